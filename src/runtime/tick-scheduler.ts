/**
 * When the runner ticks. An input other than TaskStarted asks for a tick at once (on the next turn of the event
 * loop, so every input queued in this one shares its commit); a lone TaskStarted waits up to LAZY_MS for other
 * work to ride along with, since nothing is carried out on it. One tick runs at a time: inputs that arrive during
 * one are taken by the next. After a failed commit no tick runs until a back-off has passed.
 */

/** How long a lone TaskStarted may wait for other work to share its commit. */
const LAZY_MS = 5;
/** Back-off after a failed commit (disk full, I/O error): 50 ms, doubling up to 5 s, until a commit succeeds. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 5000;

export class TickScheduler {
  private scheduled = false;
  /** An input other than TaskStarted is waiting: the next tick must come at once. */
  private urgent = false;
  private lazyTimer: ReturnType<typeof setTimeout> | undefined;
  private ticking = false;
  private closed = false;
  /** Consecutive failed commits, and the timer of the next attempt (no tick runs before it). */
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** `tick` runs one tick; `hasWork` tells whether inputs are queued. */
  constructor(private readonly tick: () => Promise<void>, private readonly hasWork: () => boolean) {}

  /** An input was queued; `lazy` for a TaskStarted (it takes a fast Task from two commits to one). */
  queued(lazy: boolean): void {
    if (lazy) this.scheduleLazy();
    else {
      this.urgent = true;
      this.schedule();
    }
  }

  /** A tick starts: inputs queued from now on need another one. */
  begin(): void {
    this.scheduled = false;
    this.ticking = true;
    this.urgent = false;
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
  }

  /** The tick ended: the next one comes at once for urgent inputs, lazily for the rest. */
  end(): void {
    this.ticking = false;
    if (this.urgent) this.schedule();
    else if (this.hasWork()) this.scheduleLazy();
  }

  /** The tick's commit succeeded. */
  committed(): void {
    this.failures = 0;
  }

  /** The tick's commit failed: ticks pause for the back-off. Returns the number of consecutive failures. */
  failed(): number {
    this.failures++;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.urgent = true;
      this.schedule();
    }, delay);
    return this.failures;
  }

  close(): void {
    this.closed = true;
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private scheduleLazy(): void {
    if (this.lazyTimer || this.scheduled || this.ticking || this.closed || this.retryTimer) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = undefined;
      if (this.hasWork()) this.schedule();
    }, LAZY_MS);
  }

  private schedule(): void {
    if (this.scheduled || this.ticking || this.closed || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => void this.tick());
  }
}
