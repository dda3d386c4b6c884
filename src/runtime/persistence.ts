/**
 * What the runner writes to the store for a tick, and how it reads an execution back: the group commit of many
 * executions' steps in one transaction, with state snapshots every few commits, and the rebuild of a state from
 * its last snapshot plus the journal entries after it.
 */
import type { ExecutionState, HistoryEvent } from '../engine/contract.js';
import type { Store } from '../store/index.js';
import type { EnginePort } from './engine-port.js';
import { parseJournalEntry } from './journal-entry.js';
import { engineFailure, failedResult, takeAll, type LiveExecution, type TickWork } from './live-execution.js';

/**
 * Commits between two snapshots of an execution's state. Rewriting the state row was one WAL page of every
 * commit; between snapshots the journal (written anyway) is enough to rebuild it, so a reload replays at most
 * this many commits' inputs through the engine. A snapshot is also written whenever the status changes.
 */
const SNAPSHOT_EVERY = 32;

export type CommitHook = (executionArn: string, events: readonly HistoryEvent[]) => void;

/**
 * Writes the steps of every stored execution of a tick in ONE transaction, running the commit hooks inside it;
 * once it has committed, each execution takes its row id, journal length and snapshot count. Throws (nothing
 * written, nothing updated) when the transaction fails.
 */
export function commitTick(store: Store, persisted: TickWork[], hooks: readonly CommitHook[], log?: (line: string) => void): void {
  if (persisted.length === 0) return;
  const ex = store.executions;
  // A new snapshot of the state with the first commit, every SNAPSHOT_EVERY commits, and when the status changes
  // (DescribeExecution, redrive and recovery read a finished execution's state as stored).
  const snapshot = persisted.map(({ live, state, write }) => live.insert !== undefined || state.status !== 'RUNNING'
    || write.redrive !== undefined || (live.sinceSnapshot ?? 0) + 1 >= SNAPSHOT_EVERY);
  // New rows get their ids inside the transaction but keep them only once it has committed.
  const ids = store.transaction(() => persisted.map(({ live, write, state }, i) => {
    // Filled in, not spread into a new object (see executions.ts applyStep on what spreads cost here).
    write.executionId = live.insert ? 0 : live.id;
    write.insert = live.insert;
    write.journalFrom = live.insert ? undefined : live.journalLen;
    write.state = snapshot[i] ? JSON.stringify(state) : undefined;
    const id = ex.applyStep(write);
    if (write.events.length > 0) for (const hook of hooks) runHook(hook, live.arn, write.events, log);
    return id;
  }));
  persisted.forEach(({ live, write }, i) => {
    live.id = ids[i]!;
    const before = live.insert ? 0 : live.journalLen;
    live.journalLen = before === undefined ? undefined : before + write.journal.length;
    live.insert = undefined;
    live.sinceSnapshot = snapshot[i] ? 0 : (live.sinceSnapshot ?? 0) + 1;
  });
}

/**
 * The tick's transaction failed (disk full, I/O error) and was rolled back: nothing of it is durable and nothing of
 * it is acted on. An execution that was already stored gets its inputs back at the head of its mailbox (`requeue`),
 * to be stepped and committed again (the engine is deterministic, so the retry writes the same history); a new
 * execution, never stored, is forgotten (`drop`) and its StartExecution fails. Callers waiting for the commit get
 * the error. (The runner pauses ticks for a back-off, so a full disk is retried, not spun on.)
 */
export function rollBackTick(
  persisted: TickWork[], err: Error, now: number, drop: (live: LiveExecution) => void, requeue: (live: LiveExecution) => void,
): void {
  for (const { live, inputs, marked } of persisted) {
    live.journalLen = undefined; // the next attempt reads the journal's length from the store
    for (const id of marked.started) live.startedTasks?.delete(id);
    for (const id of marked.closed) live.closedTasks?.delete(id);
    if (live.insert) {
      const result = failedResult(`The execution could not be stored: ${err.message}`, now);
      for (const w of takeAll(live, 'doneWaiters')) w(result);
      drop(live);
    } else {
      live.mailbox = [...inputs, ...(live.mailbox ?? [])];
      requeue(live);
    }
    for (const w of takeAll(live, 'commitWaiters')) w(err);
  }
}

/** A hook that throws is logged and skipped: it never fails the commit. */
function runHook(hook: CommitHook, arn: string, events: readonly HistoryEvent[], log?: (line: string) => void): void {
  try {
    hook(arn, events);
  } catch (e) {
    log?.(`runner: commit hook failed for ${arn}: ${(e as Error).stack ?? String(e)}`);
  }
}

/**
 * Rebuilds a stored execution's state (parked, resumed after a restart, or redriven): its snapshot, then the
 * journal entries committed after it, stepped through the engine exactly as when they were first consumed (the
 * engine is deterministic; an input it threw on fails the execution the same way again).
 */
export async function loadState(store: Store, engine: EnginePort, live: LiveExecution): Promise<void> {
  const row = store.executions.byId(live.id);
  let state = row?.state ? (JSON.parse(row.state) as ExecutionState) : undefined;
  const entries = row && state ? store.executions.journalFrom(row.id, row.journalLen) : [];
  for (const text of entries) {
    const input = parseJournalEntry(text);
    try {
      state = (await engine.step(live.program, state, input)).state;
    } catch (e) {
      state = engineFailure(state!, input, e).state;
    }
  }
  live.state = state;
  // Entries >= commits since the snapshot: the next snapshot comes no later than it would have.
  live.sinceSnapshot = entries.length;
  if (row && state) live.journalLen = row.journalLen + entries.length;
  live.parked = undefined;
}
