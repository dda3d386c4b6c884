/**
 * The wake-up sweep (src/runtime/wakeups.ts) on a real SQLite store and a fake clock: when it runs, which window it
 * covers, and how it retries an execution it could not resume. `wake` is the runner's port (a spy here).
 */
import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../src/runtime/clock.js';
import { EVICT_AFTER_MS, Wakeups } from '../../src/runtime/wakeups.js';
import type { Store } from '../../src/store/index.js';
import { newExecution, tempStores } from '../store/temp-stores.js';

const { open } = tempStores('asl-wakeups-');
const T0 = 1_900_000_000_000;
const HOUR = 3600_000;

function timerAt(s: Store, name: string, fireAt: number): string {
  const id = newExecution(s, name);
  s.db.prepare('INSERT INTO timers (execution_id, timer_id, fire_at) VALUES (?, ?, ?)').run(id, 'w', fireAt);
  return s.executions.byId(id)!.arn;
}

const turns = () => new Promise((r) => setTimeout(r, 5));

describe('the wake-up sweep', () => {
  it('runs half a horizon before the earliest evicted timer and resumes each execution of the window once', async () => {
    const s = open();
    const clock = fakeClock(T0);
    const woke: string[] = [];
    const w = new Wakeups({ clock, store: s, wake: (arn) => void woke.push(arn) });
    const a = timerAt(s, 'a', T0 + HOUR);
    const b = timerAt(s, 'b', T0 + 2 * HOUR);
    expect(w.mayEvict(T0 + HOUR, T0)).toBe(true);
    expect(w.mayEvict(T0 + EVICT_AFTER_MS - 1, T0)).toBe(false);
    w.evicted(T0 + 2 * HOUR);
    w.evicted(T0 + HOUR);
    clock.advance(HOUR - EVICT_AFTER_MS / 2 - 1);
    expect(woke).toEqual([]);
    clock.advance(1);
    expect(woke).toEqual([a]);
    // The window swept is closed to evictions, however the clock reads (it may step back).
    expect(w.mayEvict(T0 + HOUR + EVICT_AFTER_MS / 2 - 1, T0)).toBe(false);
    clock.advance(HOUR);
    expect(woke).toEqual([a, b]);
    await turns();
    expect(woke).toEqual([a, b]);
    w.close();
  });

  it('retries an execution it could not resume, with a back-off, after the horizon has moved past its timer', async () => {
    const s = open();
    const clock = fakeClock(T0);
    const lines: string[] = [];
    let failures = 2;
    const woke: string[] = [];
    const w = new Wakeups({
      clock, store: s, log: (l) => void lines.push(l),
      wake: (arn) => {
        if (failures-- > 0) throw new Error('disk I/O error');
        woke.push(arn);
      },
    });
    const a = timerAt(s, 'a', T0 + HOUR);
    w.evicted(T0 + HOUR);
    clock.advance(HOUR - EVICT_AFTER_MS / 2);
    expect(woke).toEqual([]);
    expect(lines[0]).toMatch(/cannot resume 1 waiting execution\(s\), retrying \(first: .*:a: disk I\/O error\)/);
    clock.advance(1000); // first retry, fails again
    expect(woke).toEqual([]);
    clock.advance(1999);
    expect(woke).toEqual([]);
    clock.advance(1); // second retry, 2 s later
    expect(woke).toEqual([a]);
    clock.advance(HOUR);
    await turns();
    expect(woke).toEqual([a]);
    w.close();
  });
});
