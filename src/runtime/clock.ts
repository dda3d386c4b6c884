/**
 * The injected clock. Everything in the runtime that reads time or waits goes through it, so tests can run
 * Wait states and retry back-off on a fake clock without sleeping.
 */
export interface Clock {
  now(): number;
  /**
   * Calls `fn(a, b)` at epoch-ms `at` (at once when `at` has passed). Passing the arguments rather than closing over
   * them spares each timer a closure and its context (~100 B of every parked execution's timer).
   */
  setTimer<A = undefined, B = undefined>(at: number, fn: (a: A, b: B) => void, a?: A, b?: B): unknown;
  clearTimer(handle: unknown): void;
}

/** setTimeout's longest delay (a signed 32-bit number of ms). */
const MAX_DELAY = 2_147_483_647;

interface Entry { at: number; seq: number; fn: (a: unknown, b: unknown) => void; a: unknown; b: unknown; i: number }

/**
 * The real clock: Date.now, and every timer in one min-heap behind a single Node timer armed for the earliest.
 * A parked execution (a Wait of an hour, a day, a year) then holds a small entry, not a Node Timeout object
 * with its closures (~200 B each of what 100,000 parked executions hold).
 */
export function systemClock(): Clock {
  const heap: Entry[] = [];
  let seq = 0;
  let node: NodeJS.Timeout | undefined;
  let armedAt = Infinity;

  const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const put = (e: Entry, i: number) => {
    heap[i] = e;
    e.i = i;
  };
  const up = (i: number) => {
    const e = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, heap[parent]!)) break;
      put(heap[parent]!, i);
      i = parent;
    }
    put(e, i);
  };
  const down = (i: number) => {
    const e = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const c = l + 1 < heap.length && before(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!before(heap[c]!, e)) break;
      put(heap[c]!, i);
      i = c;
    }
    put(e, i);
  };
  const remove = (e: Entry) => {
    const last = heap.pop()!;
    if (last !== e) {
      put(last, e.i);
      up(e.i);
      down(last.i);
    }
    e.i = -1;
  };
  // setTimeout's delay is a signed 32-bit number of ms; a later first timer (a Wait of a year) re-arms on the way.
  const arm = () => {
    const first = heap[0];
    if (first && first.at >= armedAt && node) return;
    if (node) clearTimeout(node);
    node = undefined;
    armedAt = Infinity;
    if (!first) return;
    armedAt = first.at;
    node = setTimeout(fire, Math.min(MAX_DELAY, Math.max(0, first.at - Date.now())));
  };
  const fire = () => {
    node = undefined;
    armedAt = Infinity;
    const now = Date.now();
    while (heap.length > 0 && heap[0]!.at <= now) {
      const e = heap[0]!;
      remove(e);
      try {
        e.fn(e.a, e.b);
      } catch (err) {
        queueMicrotask(() => { throw err; }); // as a throwing setTimeout callback would
      }
    }
    arm();
  };
  return {
    now: () => Date.now(),
    setTimer(at, fn, a, b) {
      const e: Entry = { at, seq: seq++, fn: fn as Entry['fn'], a, b, i: heap.length };
      heap.push(e);
      up(e.i);
      arm();
      return e;
    },
    clearTimer(handle) {
      const e = handle as Entry | undefined;
      if (!e || e.i < 0 || heap[e.i] !== e) return;
      remove(e);
      if (heap.length === 0 && node) {
        clearTimeout(node);
        node = undefined;
        armedAt = Infinity;
      }
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
    setTimer(at, fn, a, b) {
      const id = ++seq;
      timers.set(id, { at, fn: () => fn(a as never, b as never) });
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
