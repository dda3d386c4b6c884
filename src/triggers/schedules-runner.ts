/**
 * The scheduler: one injected-clock timer per enabled schedule, armed at its next fire time (node-cron computes
 * the times, see cron-expression.ts). A fire is decided in one statement — move the cursor past the fire time and
 * record it as pending — and only then started, under an execution name derived from the schedule name and the
 * scheduled time. A restart therefore never fires twice: a decided fire is never decided again, and a pending
 * fire (crash between decision and start) is retried under the same name, which StartExecution's name
 * idempotency turns into "already started" (AWS: same name and input while RUNNING returns the same execution;
 * a finished one answers ExecutionAlreadyExists).
 *
 * Fires missed while the service was down (or suspended, or its clock jumped) follow the schedule's missed-fire
 * policy: SKIP drops them, RUN_ONCE starts one execution for the latest of them.
 */
import { arns, parseStateMachineArn } from '../service/arns.js';
import type { ServiceContext } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { isRunning, schedulesOf, type ScheduleRow } from '../service/schedules.js';
import type { Service } from '../service/service.js';
import { fireCalendar, parseScheduleExpression, type FireCalendar } from './cron-expression.js';

/** `nightly-20261123T120000Z`: deterministic per schedule and fire time, within AWS's 80-character limit. */
export function fireExecutionName(schedule: string, fireMs: number): string {
  const stamp = new Date(fireMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${schedule.slice(0, 63)}-${stamp}`;
}

export interface Scheduler {
  /** Resolves once startup has settled pending and missed fires. */
  ready: Promise<void>;
  /** Re-reads a schedule after a change (created, updated, deleted) and re-arms its timer. */
  refresh(name: string): void;
  close(): void;
}

/** The latest fire time in (after, now], searched in widening windows so a long outage costs little. */
function latestDue(cal: FireCalendar, after: number, now: number): number | undefined {
  for (const span of [3_600_000, 86_400_000, 31 * 86_400_000, 366 * 86_400_000, Infinity]) {
    const from = Math.max(after, now - span);
    let t = from;
    let last: number | undefined;
    for (let n = cal.next(t); n !== undefined && n <= now; n = cal.next(t)) {
      last = n;
      t = n;
    }
    if (last !== undefined || from === after) return last;
  }
  return undefined;
}

/** Starts the scheduler: settles pending and missed fires of every schedule, then arms their timers. */
export function startScheduler(svc: Service, log?: (line: string) => void): Scheduler {
  const ctx: ServiceContext = svc.ctx;
  const repo = schedulesOf(ctx);
  const armed = new Map<string, { handle: unknown; cal: FireCalendar; key: string }>();
  let closed = false;

  function calendarOf(row: ScheduleRow): FireCalendar {
    const key = `${row.expression}|${row.timezone}|${row.anchorMs}`;
    const cur = armed.get(row.name);
    if (cur && cur.key === key) return cur.cal;
    cur?.cal.close();
    const cal = fireCalendar(parseScheduleExpression(row.expression), row.timezone, row.anchorMs);
    armed.set(row.name, { handle: undefined, cal, key });
    return cal;
  }

  function disarm(name: string): void {
    const cur = armed.get(name);
    if (!cur) return;
    ctx.clock.clearTimer(cur.handle);
    cur.cal.close();
    armed.delete(name);
  }

  function arm(name: string): void {
    if (closed) return;
    const row = repo.get(name);
    if (!row || !row.enabled) return disarm(name);
    const cal = calendarOf(row);
    const entry = armed.get(name)!;
    ctx.clock.clearTimer(entry.handle);
    const next = cal.next(row.cursorMs);
    entry.handle = next === undefined ? undefined : ctx.clock.setTimer(next, () => void tick(name));
  }

  /** Starts the decided fire `fireMs` (idempotent under its derived name) and confirms it. */
  async function startFire(row: ScheduleRow, fireMs: number): Promise<void> {
    const name = fireExecutionName(row.name, fireMs);
    let executionArn: string | null = null;
    try {
      const started = (await svc.call('StartExecution', { stateMachineArn: row.targetArn, name, input: row.input })) as { executionArn: string };
      executionArn = started.executionArn;
      log?.(`schedule ${row.name}: fired ${new Date(fireMs).toISOString()} -> ${executionArn}`);
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'ExecutionAlreadyExists') {
        // Started before a crash and finished since: the fire happened.
        const ref = parseStateMachineArn(row.targetArn);
        executionArn = arns.execution(ctx.scope, ref.name, name);
      } else {
        log?.(`schedule ${row.name}: could not start ${name}: ${(e as Error).message}`);
      }
    }
    if (!closed) repo.fired(row.name, fireMs, executionArn);
  }

  /**
   * Decides the fires due in (cursor, now]. One due fire is a normal fire (subject to the overlap policy). More
   * than one means the process was not running them (down, suspended, or its clock jumped): they are missed and
   * the missed-fire policy applies — SKIP drops them all, RUN_ONCE runs the latest.
   */
  async function decideDue(row: ScheduleRow, now: number): Promise<void> {
    const cal = calendarOf(row);
    const first = cal.next(row.cursorMs);
    if (first === undefined || first > now) return;
    const missed = (cal.next(first) ?? Infinity) <= now;
    const fire = missed ? (row.missedPolicy === 'RUN_ONCE' ? latestDue(cal, row.cursorMs, now) : undefined) : first;
    const busy = fire !== undefined && row.overlapPolicy === 'SKIP' && row.lastExecutionArn !== null && isRunning(ctx, row.lastExecutionArn);
    const cursor = missed ? now : first;
    if (!repo.decide(row.name, row.cursorMs, cursor, busy ? null : fire ?? null)) return;
    if (missed) log?.(`schedule ${row.name}: missed fires since ${new Date(row.cursorMs).toISOString()} (${row.missedPolicy})`);
    if (busy) log?.(`schedule ${row.name}: skipped ${new Date(fire).toISOString()}, ${row.lastExecutionArn} is still running`);
    else if (fire !== undefined) await startFire({ ...row, cursorMs: cursor }, fire);
  }

  /** A timer fired: decide what is due, then re-arm — even when deciding failed, or the schedule would stop. */
  async function tick(name: string): Promise<void> {
    try {
      const row = repo.get(name);
      if (!closed && row && row.enabled) await decideDue(row, ctx.clock.now());
    } catch (e) {
      log?.(`schedule ${name}: ${(e as Error).message}`);
    }
    try {
      arm(name);
    } catch (e) {
      log?.(`schedule ${name}: cannot re-arm: ${(e as Error).message}`);
    }
  }

  /** Startup: a pending fire is retried first, then whatever fell due while down is decided. */
  async function settle(row: ScheduleRow): Promise<void> {
    if (row.pendingFireMs !== null) await startFire(row, row.pendingFireMs);
    if (row.enabled) await decideDue(row, ctx.clock.now());
  }

  const ready = (async () => {
    for (const row of repo.list()) {
      try {
        await settle(row);
      } catch (e) {
        log?.(`schedule ${row.name}: ${(e as Error).message}`);
      }
      arm(row.name);
    }
  })();

  return {
    ready,
    refresh: (name) => void ready.then(() => arm(name)),
    close() {
      closed = true;
      for (const name of [...armed.keys()]) disarm(name);
    },
  };
}
