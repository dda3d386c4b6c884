/**
 * Parking: dropping the in-memory engine state of a stored execution that is waiting, so that 100,000 waiting
 * executions fit in one process (LiveExecution.parked). Its next input reloads the state from the store (snapshot
 * plus journal, persistence.ts). Idle executions are parked by a sweep PARK_AFTER_MS after they go idle; one whose
 * only wake-up is a distant timer is parked at once.
 */
import type { Command } from '../engine/contract.js';
import type { LiveExecution } from './live-execution.js';

/** Interval of the park sweep, which drops the state of idle persisted executions. */
export const PARK_AFTER_MS = 1000;

/**
 * True when the only thing that can wake the execution from inside is the one timer this tick armed, at least
 * PARK_AFTER_MS away (a Wait state): it is parked at once instead of at the next sweep. The sweep's delay spares
 * a reload to executions about to get an answer; one that waits on a distant timer would only hold its state
 * (several KB) for a second, and a burst of such starts kept tens of MB of it alive long enough for V8 to grow
 * its young generation to the maximum (the cold parked-memory figure in docs/performance.md). Open task tokens
 * and calls in flight keep the sweep's delay: their answer may come at any moment.
 */
export function onlyDistantTimer(live: LiveExecution, commands: readonly Command[], now: number): boolean {
  if (live.timers?.length !== 2 || live.tasks?.size || live.tokens?.size) return false;
  let fireAt: number | undefined;
  // The last StartTimer of the id counts: a tick may re-arm the same timer.
  for (const c of commands) if (c.kind === 'StartTimer' && c.timerId === live.timers[0]) fireAt = c.fireAt;
  return fireAt !== undefined && fireAt - now >= PARK_AFTER_MS;
}

export class Parking {
  /** Executions that went idle since the last sweep. */
  private idle = new Set<LiveExecution>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `held`: the runner still holds this execution with nothing queued for it (and is not closed). */
  constructor(private readonly held: (live: LiveExecution) => boolean) {}

  /**
   * A stored execution left RUNNING with nothing to do until its next input (after a commit, with the commands it
   * carried out; or after inputs that were all dropped): park it now, or at the next sweep if still idle then.
   */
  settled(live: LiveExecution, commands: readonly Command[], now: number): void {
    if (onlyDistantTimer(live, commands, now)) {
      this.park(live);
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

  /** Drops the execution's state when nothing is queued or in flight for it. */
  private park(live: LiveExecution): void {
    const parkable = this.held(live) && !live.mailbox?.length && !live.tasks?.size && !live.commitWaiters?.length
      && live.insert === undefined && live.state?.status === 'RUNNING' && live.id > 0;
    if (!parkable) return;
    live.state = undefined;
    live.parked = true;
  }
}
