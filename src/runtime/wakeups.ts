/**
 * Evicted executions and the sweep that brings them back. A stored execution that only timers can wake, the earliest
 * at least EVICT_AFTER_MS away (a Wait of an hour, a day, a year; an execution timeout), leaves memory altogether
 * (parking.ts decides when) unless a caller waits for its result: the runner forgets it, and its timers live on
 * only as rows in the store's `timers` table. Nothing of it is held
 * in the process, so the number of waiting executions is bounded by the disk, not the heap. It comes back ahead of
 * its timer: a sweep, armed on the clock half a horizon before the earliest evicted timer, resumes every execution
 * with a timer due within the horizon (EVICT_AFTER_MS from the sweep) that the runner does not hold, which re-arms
 * its timers in memory to fire on time. Any other input for an evicted execution (StopExecution, a caller waiting
 * for its result) resumes it on the spot (Residency.find).
 *
 * Invariant: every evicted timer is due at or after `horizon`, the end of the window the last sweep covered, so a
 * sweep needs to look only from there on. `mayEvict` enforces it, whatever the clock does.
 */
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

/** The horizon: a timer due at least this far ahead lets its execution leave memory; a sweep loads this far ahead. */
export const EVICT_AFTER_MS = 60_000;
/** Timers a sweep resumes per turn of the event loop (100,000 Waits started in one burst come due together). */
const SWEEP_CHUNK = 500;
/** Back-off for executions that failed to resume (a read error): 1 s, doubling up to a minute. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

export interface WakeupDeps {
  clock: Clock;
  store: Store;
  /** Resumes the execution unless the runner holds it already. */
  wake: (arn: string) => void;
  log?: (line: string) => void;
}

export class Wakeups {
  /** Every evicted timer is due at or after this (see the invariant above). */
  private horizon: number;
  /** The earliest evicted timer not yet swept (an upper bound of it: the execution may have been resumed since). */
  private earliest = Infinity;
  private handle: unknown;
  private armedAt = Infinity;
  /** Set while a sweep is under way: where its next chunk starts. */
  private cursor: { fireAt: number; executionId: number } | undefined;
  private closed = false;
  private readonly sweepNow = (): void => this.sweep();
  /**
   * Executions the sweep could not resume: the horizon has moved past their timers, so no later sweep would see
   * them again. They are retried on their own, with a back-off, until they resume or are found ended.
   */
  private failed = new Set<string>();
  private retryDelay = RETRY_FIRST_MS;
  private retryHandle: unknown;
  private readonly retryNow = (): void => this.retryFailed();

  constructor(private readonly d: WakeupDeps) {
    this.horizon = d.clock.now() + EVICT_AFTER_MS;
  }

  /** Whether an execution whose earliest timer is due at `fireAt` may leave memory at `now`. */
  mayEvict(fireAt: number, now: number): boolean {
    return !this.closed && fireAt >= this.horizon && fireAt - now >= EVICT_AFTER_MS;
  }

  /** An execution whose earliest timer is due at `fireAt` left memory (after mayEvict said it could). */
  evicted(fireAt: number): void {
    if (fireAt >= this.earliest) return;
    this.earliest = fireAt;
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.d.clock.clearTimer(this.handle);
    this.d.clock.clearTimer(this.retryHandle);
    this.handle = undefined;
    this.retryHandle = undefined;
  }

  private arm(): void {
    if (this.closed || this.cursor || this.earliest === Infinity) return;
    const at = this.earliest - EVICT_AFTER_MS / 2;
    if (this.handle !== undefined && this.armedAt <= at) return;
    this.d.clock.clearTimer(this.handle);
    this.armedAt = at;
    this.handle = this.d.clock.setTimer(at, this.sweepNow);
  }

  private sweep(): void {
    this.handle = undefined;
    this.armedAt = Infinity;
    if (this.closed) return;
    if (!this.cursor) {
      this.cursor = { fireAt: this.horizon, executionId: 0 };
      this.horizon = Math.max(this.horizon, this.d.clock.now() + EVICT_AFTER_MS);
    }
    let due: ReturnType<Store['executions']['timersDue']>;
    try {
      due = this.d.store.executions.timersDue(this.cursor.fireAt, this.cursor.executionId, this.horizon, SWEEP_CHUNK);
    } catch (e) {
      // A failed read (I/O error) is retried by the next sweep from the same cursor.
      this.d.log?.(`runtime: the wake-up sweep failed, retrying: ${(e as Error).message}`);
      this.retry();
      return;
    }
    this.wakeAll(due.map((t) => t.arn));
    // The next chunk starts after the last row: a second timer of that execution due at the same time may be skipped,
    // which is harmless (resuming an execution re-arms all its timers).
    if (due.length === SWEEP_CHUNK) {
      const last = due[due.length - 1]!;
      this.cursor = { fireAt: last.fireAt, executionId: last.executionId };
      setImmediate(this.sweepNow);
      return;
    }
    this.cursor = undefined;
    // Timers of held executions count too: a sweep for them finds nothing to resume, which costs one query.
    try {
      this.earliest = this.d.store.executions.firstTimerFrom(this.horizon) ?? Infinity;
    } catch (e) {
      this.d.log?.(`runtime: the wake-up sweep failed, retrying: ${(e as Error).message}`);
      this.earliest = this.horizon;
    }
    this.arm();
  }

  /**
   * Resumes executions; those that fail are retried later (see `failed`), with one log line for the lot (a broken
   * disk fails every one of a 100,000-execution sweep).
   */
  private wakeAll(arns: readonly string[]): void {
    let failures = 0;
    let first: unknown;
    for (const arn of arns) {
      try {
        this.d.wake(arn);
      } catch (e) {
        if (failures++ === 0) first = `${arn}: ${(e as Error).message}`;
        this.failed.add(arn);
      }
    }
    if (failures === 0) return;
    this.d.log?.(`runtime: cannot resume ${failures} waiting execution(s), retrying (first: ${String(first)})`);
    this.retryHandle ??= this.d.clock.setTimer(this.d.clock.now() + this.retryDelay, this.retryNow);
  }

  private retryFailed(): void {
    this.retryHandle = undefined;
    if (this.closed) return;
    const arns = [...this.failed];
    this.failed.clear();
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
    this.wakeAll(arns);
    if (this.failed.size === 0) this.retryDelay = RETRY_FIRST_MS;
  }

  /** After a failed read: the same sweep again a second later. */
  private retry(): void {
    this.armedAt = this.d.clock.now() + 1000;
    this.handle = this.d.clock.setTimer(this.armedAt, this.sweepNow);
  }
}
