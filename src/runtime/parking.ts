/**
 * Parking: dropping the in-memory engine state of a stored execution that is waiting, so that 100,000 waiting
 * executions fit in one process (LiveExecution.parked). Its next input reloads the state from the store (snapshot
 * plus journal, persistence.ts). Idle executions are parked by a sweep PARK_AFTER_MS after they go idle; one that
 * only timers can wake, the earliest at least that far away, is parked at once. Either leaves memory altogether
 * when nothing is in flight, nobody waits for its result and its earliest timer (if any) is beyond the wake-up
 * horizon (wakeups.ts): it is then held by nothing but its rows in the store — timers, and the `.waitForTaskToken`
 * tokens an answer from outside finds it by.
 */
import { firstTimer, type LiveExecution } from './live-execution.js';

/** Interval of the park sweep, which drops the state of idle persisted executions. */
export const PARK_AFTER_MS = 1000;
/**
 * The most open task tokens an execution may hold and still leave memory: resuming it for an answer re-reads and
 * re-parses every open task's command, so a Map waiting on thousands of callbacks, answered one by one, stays held.
 */
export const EVICT_MAX_TOKENS = 32;

/**
 * The due time of the execution's earliest timer when timers are the only thing that can wake it from inside and
 * the earliest is at least PARK_AFTER_MS away (a Wait state, an execution timeout), else undefined. Such an
 * execution is parked at once instead of at the next sweep, and offered for eviction (wakeups.ts). The sweep's
 * delay spares a reload to executions about to get an answer; one that waits on a distant timer would only hold
 * its state (several KB) for a second, and a burst of such starts kept tens of MB of it alive long enough for V8 to
 * grow its young generation to the maximum (the cold parked-memory figure in docs/performance.md). Open task tokens
 * and calls in flight keep the sweep's delay: their answer may come at any moment.
 */
export function distantTimer(live: LiveExecution, now: number): number | undefined {
  if (!live.timers?.length || live.tasks?.size || live.tokens?.size) return undefined;
  const first = firstTimer(live);
  return first - now >= PARK_AFTER_MS ? first : undefined;
}

/**
 * Offers a parkable execution, whose earliest timer is due at `fireAt` (Infinity: none), to leave memory altogether
 * (wakeups.ts); the runner declines when the timer is not far enough away or it cannot resume executions on its own.
 */
export type Evict = (live: LiveExecution, fireAt: number) => void;

export class Parking {
  /** Executions that went idle since the last sweep. */
  private idle = new Set<LiveExecution>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `held`: the runner still holds this execution with nothing queued for it (and is not closed). */
  constructor(
    private readonly held: (live: LiveExecution) => boolean, private readonly evict?: Evict,
    private readonly ticking?: () => boolean,
  ) {}

  /**
   * A stored execution left RUNNING with nothing to do until its next input (after a commit and the commands it
   * carried out, or after inputs that were all dropped): park it now, or at the next sweep if still idle then.
   */
  settled(live: LiveExecution, now: number): void {
    const fireAt = distantTimer(live, now);
    if (fireAt !== undefined && this.park(live, fireAt)) return;
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
    // An execution a tick is stepping is in neither the runner's ready set nor its mailbox: were the tick to yield to
    // timers (it does not today: the engine and the store answer without waiting on I/O), parking or evicting it
    // then would lose the tick's result. Wait for the tick to end instead.
    if (this.ticking?.()) {
      this.timer = setTimeout(() => this.sweep(), 10);
      this.timer.unref?.();
      return;
    }
    const idle = this.idle;
    this.idle = new Set();
    // Still idle a second later: nothing in flight (park checks), so only timers and answers from outside (task
    // tokens, StopExecution) can wake it, and it is offered for eviction as well.
    for (const live of idle) this.park(live, firstTimer(live));
  }

  /**
   * Drops the execution's state when nothing is queued or in flight for it (or it is parked already: resumed from
   * the store and not yet loaded); given its earliest timer, offers the whole execution for eviction when nobody
   * waits for its result either (the runner then forgets it). False when it cannot be parked now.
   */
  private park(live: LiveExecution, fireAt?: number): boolean {
    const parkable = this.held(live) && !live.mailbox?.length && !live.tasks?.size && !live.commitWaiters?.length
      && live.insert === undefined && (live.parked || live.state?.status === 'RUNNING') && live.id > 0;
    if (!parkable) return false;
    if (fireAt !== undefined && !live.doneWaiters?.length && (live.tokens?.size ?? 0) <= EVICT_MAX_TOKENS) this.evict?.(live, fireAt);
    live.state = undefined;
    live.parked = true;
    return true;
  }
}
