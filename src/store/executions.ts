/** Executions with their journal of engine inputs, AWS-shaped history, outbox of commands and timers. */
import type { HistoryEvent } from '../engine/contract.js';
import type { Db } from './db.js';
import { historyRepo } from './history.js';
import { journalLines, journalRepo } from './journal.js';

export interface ExecutionRow {
  id: number;
  arn: string;
  smArn: string;
  name: string;
  revisionId: string;
  versionArn: string | null;
  aliasArn: string | null;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  startMs: number;
  stopMs: number | null;
  traceHeader: string | null;
  seed: number;
  /**
   * The engine's ExecutionState as JSON (null before the Start step is committed): a snapshot that folds in the
   * first `journalLen` journal entries. The runner rebuilds the current state by stepping the engine through the
   * entries after them (replayJournal); the snapshot is rewritten every few commits and whenever the status changes.
   */
  state: string | null;
  journalLen: number;
  redriveCount: number;
  redriveMs: number | null;
}

export type NewExecution = Omit<ExecutionRow, 'id' | 'state' | 'journalLen' | 'redriveCount' | 'redriveMs' | 'output' | 'error' | 'cause' | 'stopMs'>;

/** Everything one committed step (or run of steps) of one execution writes. */
export interface StepWrite {
  executionId: number;
  journal: string[];
  events: HistoryEvent[];
  /** The state after this write, as a new snapshot; absent between snapshots (see ExecutionRow.state). */
  state?: string;
  status: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  stopMs: number | null;
  /**
   * Outbox changes in order: a command to store, a new progress mark (1 started, 2 submitted), or null to delete.
   * `token`: the command's `.waitForTaskToken` token, remembered for good (see tokenIssued).
   */
  outbox: { taskId: string; command?: string; token?: string; mark?: number; delete?: true }[];
  /** Timer changes in order: fireAt to (re)arm, null to delete. */
  timers: { timerId: string; fireAt: number | null }[];
  /** Set by a RedriveExecution step: the new redrive count and when it happened. */
  redrive?: { count: number; ms: number };
  /**
   * The execution is new: its row is inserted by this write, already with the state, status and result the write
   * leaves (`executionId` is then ignored). One INSERT instead of INSERT + UPDATEs: most short executions start and
   * end in one commit.
   */
  insert?: NewExecution;
  /** The journal's length before this write, when the caller knows it (else it is read from the journal). */
  journalFrom?: number;
}

const COLS = `id, arn, sm_arn AS smArn, name, revision_id AS revisionId, version_arn AS versionArn,
  alias_arn AS aliasArn, status, input, output, error, cause, start_ms AS startMs, stop_ms AS stopMs,
  trace_header AS traceHeader, seed, state, journal_len AS journalLen, redrive_count AS redriveCount,
  redrive_ms AS redriveMs`;

/** ListExecutions' redriveFilter: two parameters, null (any) or 1/0 (redriven or not) twice. */
const REDRIVEN = 'AND (? IS NULL OR (redrive_count > 0) = ?)';

/** Prepared statements over the execution tables, created once per database. */
export function executionRepo(db: Db) {
  const s = {
    get: db.prepare(`SELECT ${COLS} FROM executions WHERE arn = ?`),
    byId: db.prepare(`SELECT ${COLS} FROM executions WHERE id = ?`),
    running: db.prepare(`SELECT ${COLS} FROM executions WHERE status = 'RUNNING' ORDER BY id`),
    listAll: db.prepare(`SELECT ${COLS} FROM executions WHERE sm_arn = ? AND id < ? ${REDRIVEN} ORDER BY id DESC LIMIT ?`),
    listStatus: db.prepare(
      `SELECT ${COLS} FROM executions WHERE sm_arn = ? AND status = ? AND id < ? ${REDRIVEN} ORDER BY id DESC LIMIT ?`),
    listVersion: db.prepare(
      `SELECT ${COLS} FROM executions WHERE (version_arn = ? OR alias_arn = ?) AND id < ? ${REDRIVEN} ORDER BY id DESC LIMIT ?`),
    setRedrive: db.prepare('UPDATE executions SET redrive_count = ?, redrive_ms = ? WHERE id = ?'),
    insert: db.prepare(`INSERT INTO executions (arn, sm_arn, name, revision_id, version_arn, alias_arn, status, input,
      start_ms, trace_header, seed) VALUES (@arn, @smArn, @name, @revisionId, @versionArn, @aliasArn, @status, @input,
      @startMs, @traceHeader, @seed)`),
    insertWith: db.prepare(`INSERT INTO executions (arn, sm_arn, name, revision_id, version_arn, alias_arn, status, input,
      start_ms, trace_header, seed, output, error, cause, stop_ms, state, journal_len) VALUES (@arn, @smArn, @name,
      @revisionId, @versionArn, @aliasArn, @status, @input, @startMs, @traceHeader, @seed, @output, @error, @cause,
      @stopMs, @state, @journalLen)`),
    // Status and result only when they change: an UPDATE naming `status` rewrites its index entry even when unchanged.
    snapshot: db.prepare('UPDATE executions SET state = ?, journal_len = ? WHERE id = ?'),
    updateResult: db.prepare(`UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause,
      stop_ms = @stopMs WHERE id = @executionId`),
    outbox: db.prepare('SELECT task_id AS taskId, command, started FROM outbox WHERE execution_id = ?'),
    addOutbox: db.prepare('INSERT OR REPLACE INTO outbox (execution_id, task_id, command, started) VALUES (?, ?, ?, 0)'),
    markOutbox: db.prepare('UPDATE outbox SET started = ? WHERE execution_id = ? AND task_id = ?'),
    deleteOutbox: db.prepare('DELETE FROM outbox WHERE execution_id = ? AND task_id = ?'),
    clearOutbox: db.prepare('DELETE FROM outbox WHERE execution_id = ?'),
    timers: db.prepare('SELECT timer_id AS timerId, fire_at AS fireAt FROM timers WHERE execution_id = ?'),
    addTimer: db.prepare('INSERT OR REPLACE INTO timers (execution_id, timer_id, fire_at) VALUES (?, ?, ?)'),
    deleteTimer: db.prepare('DELETE FROM timers WHERE execution_id = ? AND timer_id = ?'),
    clearTimers: db.prepare('DELETE FROM timers WHERE execution_id = ?'),
    // Keyset pagination over timers_by_fire: (fire_at, execution_id) after the cursor, before `until`.
    timersDue: db.prepare(`SELECT t.fire_at AS fireAt, t.execution_id AS executionId, e.arn FROM timers t
      JOIN executions e ON e.id = t.execution_id WHERE (t.fire_at, t.execution_id) > (?, ?) AND t.fire_at < ?
      ORDER BY t.fire_at, t.execution_id LIMIT ?`),
    firstTimerFrom: db.prepare('SELECT MIN(fire_at) AS at FROM timers WHERE fire_at >= ?'),
    runningWithToken: db.prepare(`SELECT e.arn FROM task_tokens t JOIN executions e ON e.id = t.execution_id
      WHERE t.token = ? AND e.status = 'RUNNING'`),
    addToken: db.prepare('INSERT OR IGNORE INTO task_tokens (token, execution_id) VALUES (?, ?)'),
    token: db.prepare('SELECT 1 FROM task_tokens WHERE token = ?'),
  };
  const history = historyRepo(db);
  const journal = journalRepo(db);
  return {
    get: (arn: string) => s.get.get(arn) as ExecutionRow | undefined,
    byId: (id: number) => s.byId.get(id) as ExecutionRow | undefined,
    running: () => s.running.all() as ExecutionRow[],
    /**
     * Executions of a state machine (or of one version / alias), newest first, with id below `beforeId`;
     * `redriven` keeps only executions redriven at least once (true) or never (false).
     */
    list(q: { smArn?: string; qualifiedArn?: string; status?: string; beforeId: number; limit: number; redriven?: boolean }): ExecutionRow[] {
      const rd = q.redriven === undefined ? null : q.redriven ? 1 : 0;
      if (q.qualifiedArn) return s.listVersion.all(q.qualifiedArn, q.qualifiedArn, q.beforeId, rd, rd, q.limit) as ExecutionRow[];
      if (q.status) return s.listStatus.all(q.smArn, q.status, q.beforeId, rd, rd, q.limit) as ExecutionRow[];
      return s.listAll.all(q.smArn, q.beforeId, rd, rd, q.limit) as ExecutionRow[];
    },
    /** Inserts a new execution and returns its id. */
    insert: (row: NewExecution) => Number(s.insert.run(row).lastInsertRowid),
    journal: (id: number) => journal.from(id, 0),
    /** The journal entries from seq `from` on (those a snapshot with journalLen = from does not fold in). */
    journalFrom: journal.from,
    /** History events with id > afterId ascending, or with id < beforeId descending. */
    history: history.page,
    historyCount: history.count,
    outbox: (id: number) => s.outbox.all(id) as { taskId: string; command: string; started: number }[],
    timers: (id: number) => s.timers.all(id) as { timerId: string; fireAt: number }[],
    /**
     * Up to `limit` armed timers due before `until` and after the cursor (fireAt, executionId), in that order, with
     * their execution's ARN (an execution with several such timers comes once per timer).
     */
    timersDue: (afterFireAt: number, afterExecutionId: number, until: number, limit: number) =>
      s.timersDue.all(afterFireAt, afterExecutionId, until, limit) as { fireAt: number; executionId: number; arn: string }[],
    /** The ARN of the RUNNING execution that issued a `.waitForTaskToken` token (its task may be closed since). */
    runningWithToken: (token: string) => (s.runningWithToken.get(token) as { arn: string } | undefined)?.arn,
    /** The due time of the earliest armed timer due at `at` or later. */
    firstTimerFrom: (at: number) => (s.firstTimerFrom.get(at) as { at: number | null }).at ?? undefined,
    /** Whether a `.waitForTaskToken` token was ever issued (its task may be closed since). */
    tokenIssued: (token: string) => s.token.get(token) !== undefined,
    /** Writes one step's journal, history, state, outbox and timers. Call inside a transaction. */
    applyStep(w: StepWrite): number {
      const ended = w.status !== 'RUNNING';
      let id = w.executionId;
      let from = 0;
      if (w.insert) {
        // Every member spelled out, not `{ ...w.insert, ... }`: the spread here kept each execution's objects alive
        // through a scavenge, promoting them all to the old generation (measured: ~0.8 MB per scavenge; the
        // mechanism is V8's, see docs/performance.md).
        const n = w.insert;
        id = Number(s.insertWith.run({
          arn: n.arn, smArn: n.smArn, name: n.name, revisionId: n.revisionId, versionArn: n.versionArn, aliasArn: n.aliasArn,
          input: n.input, startMs: n.startMs, traceHeader: n.traceHeader, seed: n.seed,
          status: w.status, output: w.output, error: w.error, cause: w.cause, stopMs: w.stopMs,
          state: w.state ?? null, journalLen: w.state === undefined ? 0 : w.journal.length,
        }).lastInsertRowid);
      } else {
        from = w.journalFrom ?? journal.length(id);
        if (w.state !== undefined) s.snapshot.run(w.state, from + w.journal.length, id);
        // A row leaves RUNNING only by ending, and comes back only by a redrive.
        if (ended || w.redrive) {
          s.updateResult.run({ executionId: id, status: w.status, output: w.output, error: w.error, cause: w.cause, stopMs: w.stopMs });
        }
        if (w.redrive) s.setRedrive.run(w.redrive.count, w.redrive.ms, id);
      }
      // The journal entries ride in the commit's last history row (journal.ts); a commit without events, or whose
      // entries are not all one line or exceed a row's room, stores them apart.
      const lines = w.events.length > 0 && w.journal.length > 0 ? journalLines(w.journal) : undefined;
      history.append(id, w.events, lines === undefined ? undefined : { text: lines, to: from + w.journal.length });
      if (lines === undefined) journal.appendApart(id, from, w.journal);
      // Only the last state of each outbox row matters at commit: an op followed by a delete of the same task in
      // this write (a Task started and finished in one tick) is skipped; an ended execution clears everything.
      for (const o of w.outbox) if (o.token !== undefined) s.addToken.run(o.token, id);
      const deleted = ended ? undefined : lastDeletes(w.outbox);
      if (!ended) for (let i = 0; i < w.outbox.length; i++) {
        const o = w.outbox[i]!;
        if (!o.delete && deleted && (deleted.get(o.taskId) ?? -1) > i) continue;
        if (o.delete) s.deleteOutbox.run(id, o.taskId);
        else if (o.command !== undefined) s.addOutbox.run(id, o.taskId, o.command);
        else if (o.mark !== undefined) s.markOutbox.run(o.mark, id, o.taskId);
      }
      if (!ended) for (const t of w.timers) {
        if (t.fireAt === null) s.deleteTimer.run(id, t.timerId);
        else s.addTimer.run(id, t.timerId, t.fireAt);
      }
      if (ended && !w.insert) {
        s.clearOutbox.run(id);
        s.clearTimers.run(id);
      }
      return id;
    },
  };
}

/** Index of the last delete of each task in an ordered outbox change list (undefined when there is none). */
function lastDeletes(outbox: StepWrite['outbox']): Map<string, number> | undefined {
  let m: Map<string, number> | undefined;
  outbox.forEach((o, i) => {
    if (o.delete) (m ??= new Map()).set(o.taskId, i);
  });
  return m;
}

export type ExecutionRepo = ReturnType<typeof executionRepo>;
