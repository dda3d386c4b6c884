/**
 * Parking (src/runtime/parking.ts): an execution whose only wake-up is a distant timer drops its state at once;
 * any other idle execution at the next sweep, and only if it is still idle then.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskCancel } from '../../src/dispatch/cancel-signal.js';
import type { ExecutionState } from '../../src/engine/contract.js';
import { pushTo, type LiveExecution } from '../../src/runtime/live-execution.js';
import { distantTimer, EVICT_MAX_TOKENS, PARK_AFTER_MS, Parking } from '../../src/runtime/parking.js';

const NOW = 1_700_000_000_000;
const RUNNING: ExecutionState = { status: 'RUNNING', nextEventId: 3, internal: {} } as unknown as ExecutionState;

function live(over: Partial<LiveExecution> = {}): LiveExecution {
  return {
    arn: 'arn:x', id: 7, persist: true, program: undefined, state: RUNNING, mailbox: undefined, insert: undefined, timers: undefined,
    tasks: undefined, tokens: undefined, startedTasks: undefined, closedTasks: undefined, parked: undefined,
    sinceSnapshot: undefined, journalLen: undefined, commitWaiters: undefined, doneWaiters: undefined, ...over,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('parking', () => {
  it('parks at once an execution that only timers can wake, the earliest at least the sweep interval away', () => {
    const at = (inMs: number) => NOW + inMs;
    expect(distantTimer(live({ timers: ['w1', {}, at(3600_000)] }), NOW)).toBe(at(3600_000));
    expect(distantTimer(live({ timers: ['w1', {}, at(PARK_AFTER_MS)] }), NOW)).toBe(at(PARK_AFTER_MS));
    // A near timer: the execution is about to need its state again.
    expect(distantTimer(live({ timers: ['w1', {}, at(PARK_AFTER_MS - 1)] }), NOW)).toBeUndefined();
    // Two timers (a Wait and an execution timeout): the earliest counts.
    expect(distantTimer(live({ timers: ['w1', {}, at(3600_000), 'x', {}, at(7200_000)] }), NOW)).toBe(at(3600_000));
    expect(distantTimer(live({ timers: ['x', {}, at(7200_000), 'r2', {}, at(10)] }), NOW)).toBeUndefined();
    // No timer at all: only an input from outside can wake it.
    expect(distantTimer(live(), NOW)).toBeUndefined();
    // A call in flight or an open task token may answer at any moment.
    expect(distantTimer(live({ timers: ['w1', {}, at(3600_000)], tasks: new Map([['t1', new TaskCancel()]]) }), NOW)).toBeUndefined();
    expect(distantTimer(live({ timers: ['w1', {}, at(3600_000)], tokens: new Map([['t1', 'tok']]) }), NOW)).toBeUndefined();
  });

  it('offers an execution parked for a distant timer for eviction, unless someone waits for its result', () => {
    const offered: [string, number][] = [];
    const parking = new Parking(() => true, (l, fireAt) => void offered.push([l.arn, fireAt]));
    const evicted = live({ arn: 'gone', timers: ['w1', {}, NOW + 3600_000] });
    const awaited = live({ arn: 'awaited', timers: ['w1', {}, NOW + 3600_000], doneWaiters: [() => undefined] });
    for (const l of [evicted, awaited]) parking.settled(l, NOW);
    expect(offered).toEqual([['gone', NOW + 3600_000]]);
    // Either way the object is left parked and stateless (a caller still holding an evicted one sees it waiting).
    expect(evicted).toMatchObject({ parked: true, state: undefined });
    expect(awaited).toMatchObject({ parked: true, state: undefined });
    parking.close();
  });

  it('parks other idle executions at the sweep, unless they got work or left the runner meanwhile', () => {
    vi.useFakeTimers();
    let held = new Set<LiveExecution>();
    const parking = new Parking((l) => held.has(l));
    const distant = live({ arn: 'a', timers: ['w1', {}, NOW + 3600_000] });
    const idle = live({ arn: 'b' });
    const busy = live({ arn: 'c' });
    const gone = live({ arn: 'd' });
    held = new Set([distant, idle, busy, gone]);
    parking.settled(distant, NOW);
    expect(distant).toMatchObject({ parked: true, state: undefined });
    for (const l of [idle, busy, gone]) parking.settled(l, NOW);
    expect([idle.parked, busy.parked, gone.parked]).toEqual([undefined, undefined, undefined]);
    pushTo(busy, 'mailbox', { kind: 'TimerFired', now: NOW, timerId: 'x' });
    held.delete(gone);
    vi.advanceTimersByTime(PARK_AFTER_MS);
    expect(idle).toMatchObject({ parked: true, state: undefined });
    expect([busy.parked, busy.state, gone.parked, gone.state]).toEqual([undefined, RUNNING, undefined, RUNNING]);
  });

  it('offers executions still idle at the sweep for eviction, with their earliest timer or none (a callback waiter)', () => {
    vi.useFakeTimers();
    const offered: [string, number][] = [];
    const parking = new Parking(() => true, (l, fireAt) => void offered.push([l.arn, fireAt]));
    const waiter = live({ arn: 'callback', tokens: new Map([['t1', 'tok']]) });
    const timed = live({ arn: 'near-timer', timers: ['r', {}, NOW + 500] });
    const resumed = live({ arn: 'resumed', state: undefined, parked: true });
    for (const l of [waiter, timed, resumed]) parking.settled(l, NOW);
    expect(offered).toEqual([]);
    vi.advanceTimersByTime(PARK_AFTER_MS);
    expect(offered).toEqual([['callback', Infinity], ['near-timer', NOW + 500], ['resumed', Infinity]]);
    parking.close();
  });

  it('keeps in memory an execution waiting on more callbacks than EVICT_MAX_TOKENS (each answer would re-read them all)', () => {
    vi.useFakeTimers();
    const offered: string[] = [];
    const parking = new Parking(() => true, (l) => void offered.push(l.arn));
    const tokens = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`t${i}`, `tok${i}`] as [string, string]));
    const few = live({ arn: 'few', tokens: tokens(EVICT_MAX_TOKENS) });
    const many = live({ arn: 'many', tokens: tokens(EVICT_MAX_TOKENS + 1) });
    for (const l of [few, many]) parking.settled(l, NOW);
    vi.advanceTimersByTime(PARK_AFTER_MS);
    expect(offered).toEqual(['few']);
    expect(many).toMatchObject({ parked: true, state: undefined });
    parking.close();
  });

  it('waits for a tick under way before sweeping', () => {
    vi.useFakeTimers();
    let ticking = true;
    const parking = new Parking(() => true, undefined, () => ticking);
    const idle = live({ arn: 'idle' });
    parking.settled(idle, NOW);
    vi.advanceTimersByTime(PARK_AFTER_MS + 50);
    expect(idle.parked).toBeUndefined();
    ticking = false;
    vi.advanceTimersByTime(10);
    expect(idle).toMatchObject({ parked: true, state: undefined });
    parking.close();
  });

  it('never parks an execution not yet stored, or one that has ended', () => {
    const parking = new Parking(() => true);
    const unstored = live({ id: 0, timers: ['w1', {}, NOW + 3600_000] });
    const ended = live({ timers: ['w1', {}, NOW + 3600_000], state: { ...RUNNING, status: 'SUCCEEDED' } });
    parking.settled(unstored, NOW);
    parking.settled(ended, NOW);
    expect([unstored.parked, ended.parked]).toEqual([undefined, undefined]);
    parking.close();
  });
});
