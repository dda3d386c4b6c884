/**
 * The injected clock. Everything in the runtime that reads time or waits goes through it, so tests can run
 * Wait states and retry back-off on a fake clock without sleeping.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` at epoch-ms `at` (at once when `at` has passed). */
  setTimer(at: number, fn: () => void): unknown;
  clearTimer(handle: unknown): void;
}

// setTimeout's delay is a signed 32-bit number of ms; longer waits (a Wait state of a year) are chained.
const MAX_DELAY = 2_147_483_647;

/** The real clock: Date.now and chained setTimeout. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(at, fn) {
      const handle: { t?: NodeJS.Timeout } = {};
      const arm = (): void => {
        const delay = Math.max(0, at - Date.now());
        handle.t = setTimeout(delay > MAX_DELAY ? arm : fn, Math.min(delay, MAX_DELAY));
      };
      arm();
      return handle;
    },
    clearTimer(handle) {
      const t = (handle as { t?: NodeJS.Timeout } | undefined)?.t;
      if (t) clearTimeout(t);
    },
  };
}

/** A manual clock for tests: time moves only by `advance`. */
export function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void; pending(): number } {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer(at, fn) {
      const id = ++seq;
      timers.set(id, { at, fn });
      if (at <= now) queueMicrotask(() => fire(id));
      return id;
    },
    clearTimer: (handle) => void timers.delete(handle as number),
    advance(ms) {
      now += ms;
      const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at);
      for (const [id] of due) fire(id);
    },
    pending: () => timers.size,
  };
  function fire(id: number): void {
    const t = timers.get(id);
    if (!t) return;
    timers.delete(id);
    t.fn();
  }
}
