/**
 * Parking (src/runtime/parking.ts): an execution whose only wake-up is a distant timer drops its state at once;
 * any other idle execution at the next sweep, and only if it is still idle then.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskCancel } from '../../src/dispatch/cancel-signal.js';
import type { Command, ExecutionState } from '../../src/engine/contract.js';
import { pushTo, type LiveExecution } from '../../src/runtime/live-execution.js';
import { onlyDistantTimer, PARK_AFTER_MS, Parking } from '../../src/runtime/parking.js';

const NOW = 1_700_000_000_000;
const RUNNING: ExecutionState = { status: 'RUNNING', nextEventId: 3, internal: {} } as unknown as ExecutionState;

function live(over: Partial<LiveExecution> = {}): LiveExecution {
  return {
    arn: 'arn:x', id: 7, persist: true, program: undefined, state: RUNNING, mailbox: undefined, insert: undefined, timers: undefined,
    tasks: undefined, tokens: undefined, startedTasks: undefined, closedTasks: undefined, parked: undefined,
    sinceSnapshot: undefined, journalLen: undefined, commitWaiters: undefined, doneWaiters: undefined, ...over,
  };
}
const timer = (timerId: string, inMs: number): Command => ({ kind: 'StartTimer', timerId, fireAt: NOW + inMs });

afterEach(() => {
  vi.useRealTimers();
});

describe('parking', () => {
  it('parks at once only an execution whose one timer, armed in this tick, is at least the sweep interval away', () => {
    expect(onlyDistantTimer(live({ timers: ['w1', {}] }), [timer('w1', 3600_000)], NOW)).toBe(true);
    expect(onlyDistantTimer(live({ timers: ['w1', {}] }), [timer('w1', PARK_AFTER_MS)], NOW)).toBe(true);
    // A near timer: the execution is about to need its state again.
    expect(onlyDistantTimer(live({ timers: ['w1', {}] }), [timer('w1', PARK_AFTER_MS - 1)], NOW)).toBe(false);
    // Two timers (a retry back-off or a Task timeout next to it), or one armed in an earlier tick.
    expect(onlyDistantTimer(live({ timers: ['w1', {}, 'r2', {}] }), [timer('w1', 3600_000)], NOW)).toBe(false);
    expect(onlyDistantTimer(live({ timers: ['w1', {}] }), [], NOW)).toBe(false);
    // Re-armed in the same tick: the last arming counts.
    expect(onlyDistantTimer(live({ timers: ['w1', {}] }), [timer('w1', 3600_000), timer('w1', 10)], NOW)).toBe(false);
    expect(onlyDistantTimer(live({ timers: ['w1', {}] }), [timer('w1', 10), timer('w1', 3600_000)], NOW)).toBe(true);
    // A call in flight or an open task token may answer at any moment.
    expect(onlyDistantTimer(live({ timers: ['w1', {}], tasks: new Map([['t1', new TaskCancel()]]) }), [timer('w1', 3600_000)], NOW)).toBe(false);
    expect(onlyDistantTimer(live({ timers: ['w1', {}], tokens: new Map([['t1', 'tok']]) }), [timer('w1', 3600_000)], NOW)).toBe(false);
  });

  it('parks other idle executions at the sweep, unless they got work or left the runner meanwhile', () => {
    vi.useFakeTimers();
    let held = new Set<LiveExecution>();
    const parking = new Parking((l) => held.has(l));
    const distant = live({ arn: 'a', timers: ['w1', {}] });
    const idle = live({ arn: 'b' });
    const busy = live({ arn: 'c' });
    const gone = live({ arn: 'd' });
    held = new Set([distant, idle, busy, gone]);
    parking.settled(distant, [timer('w1', 3600_000)], NOW);
    expect(distant).toMatchObject({ parked: true, state: undefined });
    for (const l of [idle, busy, gone]) parking.settled(l, [], NOW);
    expect([idle.parked, busy.parked, gone.parked]).toEqual([undefined, undefined, undefined]);
    pushTo(busy, 'mailbox', { kind: 'TimerFired', now: NOW, timerId: 'x' });
    held.delete(gone);
    vi.advanceTimersByTime(PARK_AFTER_MS);
    expect(idle).toMatchObject({ parked: true, state: undefined });
    expect([busy.parked, busy.state, gone.parked, gone.state]).toEqual([undefined, RUNNING, undefined, RUNNING]);
  });

  it('never parks an execution not yet stored, or one that has ended', () => {
    const parking = new Parking(() => true);
    const unstored = live({ id: 0, timers: ['w1', {}] });
    const ended = live({ timers: ['w1', {}], state: { ...RUNNING, status: 'SUCCEEDED' } });
    parking.settled(unstored, [timer('w1', 3600_000)], NOW);
    parking.settled(ended, [timer('w1', 3600_000)], NOW);
    expect([unstored.parked, ended.parked]).toEqual([undefined, undefined]);
    parking.close();
  });
});
