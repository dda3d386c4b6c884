/** Parallel and Map: child frames with their own previousEventId chains, AWS's event order and ids. */
import { describe, expect, it } from 'vitest';
import { chain, details, drive, loadSample } from './drive.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';

describe('Parallel', () => {
  it('runs branches, outputs in branch order, Succeeded and Exited share the last branch event', async () => {
    const r = await drive(loadSample('parallel-branches'), { id: 1 });
    expect(JSON.parse(r.state.output!)).toEqual({ id: 1, results: ['left', 'right'] });
    const c = chain(r.events);
    expect(c.slice(0, 3)).toEqual([[1, 0, 'ExecutionStarted'], [2, 0, 'ParallelStateEntered'], [3, 2, 'ParallelStateStarted']]);
    // Each branch starts its own chain at ParallelStateStarted.
    const entered = c.filter((e) => e[2] === 'PassStateEntered' || e[2] === 'WaitStateEntered').slice(0, 2);
    expect(entered.map((e) => e[1])).toEqual([3, 3]);
    const succeeded = c.find((e) => e[2] === 'ParallelStateSucceeded')!;
    const exited = c.find((e) => e[2] === 'ParallelStateExited')!;
    expect(succeeded[1]).toBe(exited[1]);
    expect(c.find((e) => e[0] === succeeded[1])?.[2]).toBe('PassStateExited');
  });

  it('a failing branch fails the state with the branch error; other branches are cancelled', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 100, End: true } } },
            { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E', Cause: 'C' } } },
          ],
        },
      },
    };
    const r = await drive(def, {});
    expect(r.state).toMatchObject({ status: 'FAILED', error: 'E', cause: 'C' });
    expect(r.events.map((e) => e.type)).toContain('ParallelStateFailed');
    expect(r.commands.filter((c) => c.kind === 'CancelTimer')).toHaveLength(1);
    expect(r.events.some((e) => e.type === 'WaitStateExited')).toBe(false);
  });

  it('Catch on a Parallel receives the branch error', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel', Next: 'Done', Catch: [{ ErrorEquals: ['E'], ResultPath: '$.err', Next: 'Done' }],
          Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } }],
        },
        Done: { Type: 'Succeed' },
      },
    };
    const r = await drive(def, { a: 1 });
    expect(JSON.parse(r.state.output!)).toEqual({ a: 1, err: { Error: 'E', Cause: '' } });
  });
});

describe('Map (inline)', () => {
  it('MaxConcurrency 1: the AWS-recorded id chain', async () => {
    const r = await drive(loadSample('map-items'), { currency: 'EUR', orders: [{ amount: 1 }, { amount: 5 }] });
    expect(chain(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 0, 'MapStateEntered'], [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'], [5, 4, 'PassStateEntered'], [6, 5, 'PassStateExited'], [7, 6, 'MapIterationSucceeded'],
      [8, 6, 'MapIterationStarted'], [9, 8, 'PassStateEntered'], [10, 9, 'PassStateExited'], [11, 10, 'MapIterationSucceeded'],
      [12, 11, 'MapStateSucceeded'], [13, 11, 'MapStateExited'], [14, 13, 'ExecutionSucceeded'],
    ]);
    expect(details(r.events[2])).toEqual({ length: 2 });
    expect(details(r.events[3])).toEqual({ index: 0, name: 'EachOrder' });
    expect(JSON.parse(r.state.output!).priced).toEqual([
      { index: 0, total: 2, currency: 'EUR' }, { index: 1, total: 6, currency: 'EUR' },
    ]);
  });

  it('an empty item list succeeds at once with []', async () => {
    const r = await drive(loadSample('map-items'), { currency: 'EUR', orders: [] });
    expect(chain(r.events).map((e) => e[2])).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(JSON.parse(r.state.output!).priced).toEqual([]);
  });

  it('ItemsPath on a non-array fails with States.Runtime', async () => {
    const r = await drive(loadSample('map-items'), { currency: 'EUR', orders: 3 });
    expect(r.state.error).toBe('States.Runtime');
  });

  it('MaxConcurrency limits how many iterations run at once', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map', MaxConcurrency: 2, End: true,
          ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } },
        },
      },
    };
    const r = await drive(def, [1, 2, 3, 4, 5]);
    expect(JSON.parse(r.state.output!)).toEqual([1, 2, 3, 4, 5]);
    // Five 10-second waits two at a time take three rounds.
    expect(r.now - r.events[0]!.timestamp).toBe(30_000);
  });

  it('a failing iteration fails the Map (MapIterationFailed, MapStateFailed) unless tolerated', async () => {
    const base = {
      Type: 'Map' as const, End: true, MaxConcurrency: 1,
      ItemProcessor: {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice' as const, Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }], Default: 'P' },
          F: { Type: 'Fail' as const, Error: 'Two' },
          P: { Type: 'Pass' as const, End: true },
        },
      },
    };
    const failed = await drive({ StartAt: 'M', States: { M: base } }, [1, 2, 3]);
    expect(failed.state.error).toBe('Two');
    const types = failed.events.map((e) => e.type);
    expect(types.slice(-3)).toEqual(['MapIterationFailed', 'MapStateFailed', 'ExecutionFailed']);
    const it = failed.events.find((e) => e.type === 'MapIterationFailed')!;
    const mf = failed.events.find((e) => e.type === 'MapStateFailed')!;
    expect(mf.previousEventId).toBe(it.previousEventId);
    const tolerant = await drive({ StartAt: 'M', States: { M: { ...base, ToleratedFailureCount: 1 } } }, [1, 2, 3]);
    expect(tolerant.state.status).toBe('SUCCEEDED');
    expect(JSON.parse(tolerant.state.output!)).toEqual([1, null, 3]);
  });

  it('Retry on a Map re-runs it with a new MapStateStarted', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map', End: true, Retry: [{ ErrorEquals: ['X'], MaxAttempts: 1 }],
          ItemProcessor: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'X' } } },
        },
      },
    };
    const r = await drive(def, [1]);
    expect(r.events.filter((e) => e.type === 'MapStateStarted')).toHaveLength(2);
    expect(r.events.filter((e) => e.type === 'MapStateFailed')).toHaveLength(1);
  });
});

describe('Map (distributed)', () => {
  it('shows MapRunStarted/MapRunSucceeded and no iteration events', async () => {
    const r = await drive(loadSample('distributed-map'), { items: [1, 2, 3] });
    expect(chain(r.events).map((e) => e[2])).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded',
      'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(String(details(r.events[3]).mapRunArn)).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:sm\/[0-9a-f-]{36}:[0-9a-f-]{36}$/);
    expect(r.state.output).toBe('[1,2,3]');
  });
});

describe('Map with MaxConcurrency over more items than frame buckets', () => {
  it('reuses a frame bucket emptied earlier in the same step (1,200 items, one at a time)', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map', MaxConcurrency: 1, End: true,
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        },
      },
    };
    const items = Array.from({ length: 1200 }, (_, i) => i);
    const r = await drive(def, items);
    expect(r.state.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.state.output!)).toEqual(items);
  });
});
