/** The system clock's timers: one heap behind one Node timer, yet each timer fires once, in time order. */
import { describe, expect, it } from 'vitest';
import { fakeClock, systemClock } from '../../src/runtime/clock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('systemClock', () => {
  it('fires timers in time order (ties in the order they were set), each once, and never a cleared one', async () => {
    const clock = systemClock();
    const fired: string[] = [];
    const t0 = clock.now();
    const at = (ms: number, name: string) => clock.setTimer(t0 + ms, () => fired.push(name));
    at(60, 'c');
    at(20, 'a');
    const cleared = at(40, 'x');
    at(40, 'b1');
    at(40, 'b2');
    at(-1000, 'past'); // already due: fires at once
    clock.clearTimer(cleared);
    clock.clearTimer(cleared); // twice is harmless
    await sleep(10);
    expect(fired).toEqual(['past']);
    await sleep(100);
    expect(fired).toEqual(['past', 'a', 'b1', 'b2', 'c']);
  });

  it('hands a timer its two arguments, on the system clock and on the fake one', async () => {
    const got: unknown[] = [];
    const record = (a: string, b: number) => got.push([a, b]);
    const sys = systemClock();
    sys.setTimer(sys.now() + 5, record, 'sys', 1);
    const fake = fakeClock();
    fake.setTimer(fake.now() + 5, record, 'fake', 2);
    fake.advance(5);
    await sleep(30);
    expect(got).toEqual([['fake', 2], ['sys', 1]]);
  });

  it('re-arms for an earlier timer set after a later one, and keeps 2,000 random timers in order', async () => {
    const clock = systemClock();
    const t0 = clock.now();
    const fired: number[] = [];
    clock.setTimer(t0 + 10_000, () => fired.push(-1)); // armed first, far away
    const handles = Array.from({ length: 2000 }, (_, i) => {
      const ms = (i * 7919) % 50; // spread over 50 ms, out of order
      return { ms, h: clock.setTimer(t0 + ms, () => fired.push(ms)) };
    });
    for (const { h } of handles.filter((_, i) => i % 3 === 0)) clock.clearTimer(h);
    await sleep(120);
    const expected = handles.filter((_, i) => i % 3 !== 0).map((x) => x.ms).sort((a, b) => a - b);
    expect(fired).toEqual(expected);
  });

  it('waits past the longest setTimeout delay without firing early, and a callback that throws does not stop the others', async () => {
    const clock = systemClock();
    const fired: string[] = [];
    const far = clock.setTimer(clock.now() + 3 * 2_147_483_647, () => fired.push('far'));
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      clock.setTimer(clock.now() + 5, () => { throw new Error('boom'); });
      clock.setTimer(clock.now() + 5, () => fired.push('after'));
      await sleep(40);
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(fired).toEqual(['after']);
    expect(errors).toHaveLength(1);
    clock.clearTimer(far);
  });
});
