/**
 * RedriveExecution in the engine (AWS "Redriving executions"): a FAILED / TIMED_OUT / ABORTED execution re-enters
 * the state that did not succeed; successful work (earlier states, succeeded Map iterations / Parallel branches)
 * is kept; history continues its ids after ExecutionRedriven{redriveCount}; the journal replays exactly.
 */
import { describe, expect, it } from 'vitest';
import { compile, isRedrivable, replay, step } from '../../src/engine/index.js';
import type { Command, EngineInput, ExecutionState, HistoryEvent, Program } from '../../src/engine/index.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';
import type { Json } from '../../src/util/json.js';
import { META, T0, chain, details, hash } from './drive.js';

type Dispatch = Extract<Command, { kind: 'DispatchTask' }>;
type Answer = { ok: Json } | { error: string };

/** Feeds one input, then answers dispatches (Started + result) and fires timers until the execution blocks or ends. */
class Harness {
  state: ExecutionState | undefined;
  events: HistoryEvent[] = [];
  journal: EngineInput[] = [];
  now = T0;
  private timers = new Map<string, number>();
  constructor(readonly program: Program, public answer: (cmd: Dispatch) => Answer) {}

  async feed(input: EngineInput): Promise<void> {
    const inbox: EngineInput[] = [input];
    while (inbox.length > 0 || (this.state?.status === 'RUNNING' && this.timers.size > 0)) {
      let next = inbox.shift();
      if (!next) {
        const [timerId, at] = [...this.timers.entries()].sort((a, b) => a[1] - b[1])[0]!;
        this.timers.delete(timerId);
        this.now = Math.max(this.now, at);
        next = { kind: 'TimerFired', now: this.now, timerId };
      }
      this.journal.push(next);
      const r = await step(this.program, this.state, next, { hash });
      this.state = r.state;
      this.events.push(...r.events);
      for (const c of r.commands) {
        if (c.kind === 'StartTimer') this.timers.set(c.timerId, c.fireAt);
        else if (c.kind === 'CancelTimer') this.timers.delete(c.timerId);
        else if (c.kind === 'DispatchTask') {
          const a = this.answer(c);
          inbox.push({ kind: 'TaskStarted', now: this.now, taskId: c.taskId });
          inbox.push('ok' in a
            ? { kind: 'TaskSucceeded', now: this.now, taskId: c.taskId, output: a.ok }
            : { kind: 'TaskFailed', now: this.now, taskId: c.taskId, error: a.error });
        }
      }
      if (this.state.status !== 'RUNNING') this.timers.clear();
    }
  }

  start(input: Json) {
    return this.feed({ kind: 'Start', now: this.now, input, meta: META, seed: 3 });
  }

  redrive() {
    this.now += 60_000;
    return this.feed({ kind: 'Redrive', now: this.now });
  }
}

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:f';

describe('Redrive', () => {
  it('a failed Task is re-entered; history ids continue; the execution succeeds', async () => {
    const def = {
      StartAt: 'Prep',
      States: {
        Prep: { Type: 'Pass', Result: { n: 1 }, Next: 'Work' },
        Work: { Type: 'Task', Resource: LAMBDA, Parameters: { 'n.$': '$.n', 'count.$': '$$.Execution.RedriveCount' }, End: true },
      },
    } as StateMachineDefinition;
    let healthy = false;
    const h = new Harness(compile(def), (c) => (healthy ? { ok: c.payload } : { error: 'Boom' }));
    await h.start({});
    expect(h.state!.status).toBe('FAILED');
    expect(isRedrivable(h.state!)).toBe(true);
    const failedAt = h.events.length;
    expect(h.events[failedAt - 1]).toMatchObject({ id: 8, type: 'ExecutionFailed' });
    healthy = true;
    await h.redrive();
    expect(h.state!.status).toBe('SUCCEEDED');
    expect(JSON.parse(h.state!.output!)).toEqual({ n: 1, count: 1 });
    expect(isRedrivable(h.state!)).toBe(false);
    const after = h.events.slice(failedAt);
    expect(chain(after)).toEqual([
      [9, 8, 'ExecutionRedriven'], [10, 9, 'TaskStateEntered'], [11, 10, 'LambdaFunctionScheduled'],
      [12, 11, 'LambdaFunctionStarted'], [13, 12, 'LambdaFunctionSucceeded'], [14, 13, 'TaskStateExited'],
      [15, 14, 'ExecutionSucceeded'],
    ]);
    expect(details(after[0])).toEqual({ redriveCount: 1 });
    // The successful Pass state is not run again.
    expect(h.events.filter((e) => e.type === 'PassStateEntered')).toHaveLength(1);
    // Same input as the failed attempt.
    expect(details(after[1]).input).toBe('{"n":1}');
    const again = await replay(h.program, h.journal, { hash });
    expect(again.allEvents).toEqual(h.events);
    expect(again.state).toEqual(h.state);
  });

  it('a Map re-runs only the failed iteration and keeps the others\' results', async () => {
    const def = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map', ItemsPath: '$.items', End: true,
          ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
        },
      },
    } as StateMachineDefinition;
    let healthy = false;
    const seen: Json[] = [];
    const h = new Harness(compile(def), (c) => {
      seen.push(c.payload);
      return c.payload === 2 && !healthy ? { error: 'Bad' } : { ok: (c.payload as number) * 10 };
    });
    await h.start({ items: [1, 2, 3] });
    expect(h.state!.status).toBe('FAILED');
    expect(h.state!.error).toBe('Bad');
    const before = seen.length;
    const failedAt = h.events.length;
    healthy = true;
    await h.redrive();
    expect(h.state!.status).toBe('SUCCEEDED');
    expect(JSON.parse(h.state!.output!)).toEqual([10, 20, 30]);
    // Only the items that had not succeeded are dispatched again (item 3 was aborted with the failing Map).
    const rerun = seen.slice(before);
    expect(rerun).toContain(2);
    expect(rerun).not.toContain(1);
    const after = h.events.slice(failedAt);
    expect(after[0]!.type).toBe('ExecutionRedriven');
    expect(after[1]!.type).toBe('MapStateEntered');
    expect(details(after.find((e) => e.type === 'MapStateStarted'))).toEqual({ length: 3 });
    const restarted = after.filter((e) => e.type === 'MapIterationStarted').map((e) => details(e).index);
    expect(restarted).not.toContain(0);
    expect(restarted).toContain(1);
    const again = await replay(h.program, h.journal, { hash });
    expect(again.allEvents).toEqual(h.events);
  });

  it('a Parallel re-runs only the failed branch', async () => {
    const branch = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Task', Resource: LAMBDA, Parameters: { b: name }, End: true } } });
    const def = { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch('A'), branch('B')], End: true } } } as StateMachineDefinition;
    let healthy = false;
    const calls: string[] = [];
    const h = new Harness(compile(def), (c) => {
      calls.push(c.stateName);
      return c.stateName === 'B' && !healthy ? { error: 'Bad' } : { ok: c.stateName };
    });
    await h.start({});
    expect(h.state!.status).toBe('FAILED');
    const before = calls.length;
    healthy = true;
    await h.redrive();
    expect(h.state!.status).toBe('SUCCEEDED');
    expect(JSON.parse(h.state!.output!)).toEqual(['A', 'B']);
    expect(calls.slice(before)).toEqual(['B']);
  });

  it('redrives twice, counting; a SUCCEEDED or RUNNING execution ignores Redrive', async () => {
    let failures = 2;
    const def = { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } } as StateMachineDefinition;
    const h = new Harness(compile(def), () => (failures-- > 0 ? { error: 'E' } : { ok: 'done' }));
    await h.start({});
    await h.redrive();
    expect(h.state!.status).toBe('FAILED');
    await h.redrive();
    expect(h.state!.status).toBe('SUCCEEDED');
    const redriven = h.events.filter((e) => e.type === 'ExecutionRedriven').map((e) => details(e).redriveCount);
    expect(redriven).toEqual([1, 2]);
    const n = h.events.length;
    await h.redrive();
    expect(h.events.length).toBe(n);
    expect(h.state!.status).toBe('SUCCEEDED');
  });

  it('an aborted execution waiting in a Wait state is redriven into that state', async () => {
    const def = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, Next: 'Done' }, Done: { Type: 'Succeed' } } } as StateMachineDefinition;
    const program = compile(def);
    let r = await step(program, undefined, { kind: 'Start', now: T0, input: { x: 1 }, meta: META, seed: 1 });
    r = await step(program, r.state, { kind: 'Stop', now: T0 + 1000 });
    expect(r.state.status).toBe('ABORTED');
    const aborted = r.state;
    r = await step(program, aborted, { kind: 'Redrive', now: T0 + 2000 });
    expect(r.state.status).toBe('RUNNING');
    // The parked state survives a JSON round trip (it is stored as JSON) and redrives identically.
    const viaJson = await step(program, JSON.parse(JSON.stringify(aborted)) as ExecutionState, { kind: 'Redrive', now: T0 + 2000 });
    expect(viaJson).toEqual(r);
    expect(r.events.map((e) => e.type)).toEqual(['ExecutionRedriven', 'WaitStateEntered']);
    const timer = r.commands.find((c) => c.kind === 'StartTimer');
    expect(timer).toMatchObject({ fireAt: T0 + 2000 + 5000 });
    r = await step(program, r.state, { kind: 'TimerFired', now: T0 + 7000, timerId: (timer as { timerId: string }).timerId });
    expect(r.state.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.state.output!)).toEqual({ x: 1 });
  });
});
