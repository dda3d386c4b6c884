/**
 * Parking: dropping the in-memory engine state of a stored execution that is waiting, so that 100,000 waiting
 * executions fit in one process (LiveExecution.parked). Its next input reloads the state from the store (snapshot
 * plus journal, persistence.ts). Idle executions are parked by a sweep PARK_AFTER_MS after they go idle; one whose
 * only wake-up is a distant timer is parked at once, and leaves memory altogether when the timer is further than
 * the wake-up horizon (wakeups.ts: it is then held by nothing but its row in the store's timers table).
 */
import type { Command } from '../engine/contract.js';
import type { LiveExecution } from './live-execution.js';

/** Interval of the park sweep, which drops the state of idle persisted executions. */
export const PARK_AFTER_MS = 1000;

/**
 * The due time of the one timer this tick armed when it is the only thing that can wake the execution from inside
 * and it is at least PARK_AFTER_MS away (a Wait state), else undefined. Such an execution is parked at once instead
 * of at the next sweep, or leaves memory when the timer is further still (wakeups.ts). The sweep's delay spares a
 * reload to executions about to get an answer; one that waits on a distant timer would only hold its state
 * (several KB) for a second, and a burst of such starts kept tens of MB of it alive long enough for V8 to grow
 * its young generation to the maximum (the cold parked-memory figure in docs/performance.md). Open task tokens
 * and calls in flight keep the sweep's delay: their answer may come at any moment.
 */
export function distantTimer(live: LiveExecution, commands: readonly Command[], now: number): number | undefined {
  if (live.timers?.length !== 2 || live.tasks?.size || live.tokens?.size) return undefined;
  let fireAt: number | undefined;
  // The last StartTimer of the id counts: a tick may re-arm the same timer.
  for (const c of commands) if (c.kind === 'StartTimer' && c.timerId === live.timers[0]) fireAt = c.fireAt;
  return fireAt !== undefined && fireAt - now >= PARK_AFTER_MS ? fireAt : undefined;
}

/**
 * Takes a parkable execution out of memory altogether, its only timer due at `fireAt` (wakeups.ts); false when it
 * must stay (the timer is not far enough away, or the runner cannot resume executions on its own).
 */
export type Evict = (live: LiveExecution, fireAt: number, now: number) => boolean;

export class Parking {
  /** Executions that went idle since the last sweep. */
  private idle = new Set<LiveExecution>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `held`: the runner still holds this execution with nothing queued for it (and is not closed). */
  constructor(private readonly held: (live: LiveExecution) => boolean, private readonly evict?: Evict) {}

  /**
   * A stored execution left RUNNING with nothing to do until its next input (after a commit, with the commands it
   * carried out; or after inputs that were all dropped): park it now, or at the next sweep if still idle then.
   */
  settled(live: LiveExecution, commands: readonly Command[], now: number): void {
    const fireAt = distantTimer(live, commands, now);
    if (fireAt !== undefined) {
      this.park(live, fireAt, now);
      return;
    }
    this.idle.add(live);
    this.timer ??= setTimeout(() => this.sweep(), PARK_AFTER_MS);
    this.timer.unref?.();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.idle.clear();
  }

  private sweep(): void {
    this.timer = undefined;
    const idle = this.idle;
    this.idle = new Set();
    for (const live of idle) this.park(live);
  }

  /**
   * Drops the execution's state when nothing is queued or in flight for it; with `fireAt` (its only timer), the
   * whole execution when nobody waits for its result either.
   */
  private park(live: LiveExecution, fireAt?: number, now?: number): void {
    const parkable = this.held(live) && !live.mailbox?.length && !live.tasks?.size && !live.commitWaiters?.length
      && live.insert === undefined && live.state?.status === 'RUNNING' && live.id > 0;
    if (!parkable) return;
    if (fireAt !== undefined && !live.doneWaiters?.length && this.evict?.(live, fireAt, now!)) return;
    live.state = undefined;
    live.parked = true;
  }
}
