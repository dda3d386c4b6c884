/**
 * The journal is the source of truth: replaying every scenario's journal reproduces its history exactly;
 * engine state survives a JSON round trip at every step; `step` never mutates the state it is given.
 */
import { describe, expect, it } from 'vitest';
import { compile, replay, step } from '../../src/engine/index.js';
import type { ExecutionState } from '../../src/engine/index.js';
import { drive, hash, loadSample, type DriveOptions } from '../engine/drive.js';
import type { Json } from '../../src/util/json.js';

const scenarios: [string, Json, DriveOptions?][] = [
  ['hello-pass', { user: { name: 'Ada' } }],
  ['wait-then-succeed', { delay: 60, until: '2030-01-01T00:00:00Z' }],
  ['choice-loop', { limit: 20 }],
  ['fail-state', { quantity: -1, code: 'Bad' }],
  ['task-retry-catch', { order: 1 }, { dispatch: (_c, n) => (n < 2 ? { error: 'Busy' } : { ok: { id: 'x' } }) }],
  ['task-retry-catch', { order: 2 }, { dispatch: () => ({ error: 'Fatal' }) }],
  ['task-timeouts', {}, { dispatch: () => ({ submitted: {}, then: 'hang' }) }],
  ['parallel-branches', { p: 1 }],
  ['map-items', { currency: 'EUR', orders: [{ amount: 1 }, { amount: 2 }, { amount: 3 }] }],
  ['jsonata-variables', { factor: 2, values: [1, 2], people: [{ name: 'z' }] }],
  ['execution-timeout', {}],
  ['distributed-map', { items: ['a', 'b'] }],
  ['wait-then-succeed', { delay: 60, until: 'x' }, { stopAfter: 2 }],
];

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

describe('replay', () => {
  for (const [name, input, opts] of scenarios) {
    it(`reproduces the history of ${name} ${JSON.stringify(input).slice(0, 40)}`, async () => {
      const run = await drive(loadSample(name), input, opts);
      expect(run.events.length).toBeGreaterThan(2);
      const again = await replay(compile(loadSample(name)), run.journal, { hash });
      expect(again.allEvents).toEqual(run.events);
      expect(again.state).toEqual(run.state);
      // ids are consecutive from 1
      expect(run.events.map((e) => e.id)).toEqual(run.events.map((_e, i) => i + 1));
    });

    it(`keeps ${name}'s state plain JSON and never mutates a given state`, async () => {
      const run = await drive(loadSample(name), input, opts);
      const program = compile(loadSample(name));
      let state: ExecutionState | undefined;
      for (const inp of run.journal) {
        const given = state === undefined ? undefined : deepFreeze(JSON.parse(JSON.stringify(state)) as ExecutionState);
        const r = await step(program, given, inp, { hash });
        expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
        state = r.state;
      }
      expect(state).toEqual(run.state);
    });
  }

  it('ignores inputs for a closed execution and stale task/timer ids', async () => {
    const run = await drive(loadSample('hello-pass'), { user: { name: 'a' } });
    const program = compile(loadSample('hello-pass'));
    const late = await step(program, run.state, { kind: 'TimerFired', now: 0, timerId: 'nope' });
    expect(late.events).toEqual([]);
    expect(late.state).toBe(run.state);
  });
});

describe('performance (fake clock, no real waiting)', () => {
  it('runs a 10,000-iteration Choice loop quickly', async () => {
    const t = performance.now();
    const r = await drive(loadSample('choice-loop'), { limit: 10_000 });
    expect(r.state.output).toBe('10000');
    expect(r.events.length).toBe(1 + 2 + 10_000 * 4 + 2 + 2 + 1);
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('runs a 10,000-item inline Map quickly', async () => {
    const def = {
      StartAt: 'M',
      States: { M: { Type: 'Map' as const, End: true, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass' as const, End: true } } } } },
    };
    const items = Array.from({ length: 10_000 }, (_v, i) => i);
    const t = performance.now();
    const r = await drive(def, items);
    expect(JSON.parse(r.state.output!)).toHaveLength(10_000);
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('runs a 10,000-item Map of Tasks (one step per task answer) without quadratic blow-up', async () => {
    const def = {
      StartAt: 'M',
      States: { M: { Type: 'Map' as const, End: true, ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task' as const, Resource: 'fn', End: true } } } } },
    };
    const t = performance.now();
    const r = await drive(def, Array.from({ length: 10_000 }, (_v, i) => i), { dispatch: (c) => ({ ok: c.payload }) });
    expect(r.state.status).toBe('SUCCEEDED');
    expect(performance.now() - t).toBeLessThan(15_000);
  });
});
