/**
 * Exact input text (AWS-recorded): the execution input shows verbatim in ExecutionStarted and the first
 * StateEntered, and keeps its text while states pass it on unchanged (inside a Parallel result too); values built
 * anew are re-serialised. A task result's exact text (`outputText`) is recorded the same way.
 */
import { describe, expect, it } from 'vitest';
import { compile, replay, step } from '../../src/engine/index.js';
import type { EngineInput, HistoryEvent } from '../../src/engine/index.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';
import type { Json } from '../../src/util/json.js';
import { META, T0, details, drive } from './drive.js';

async function run(def: object, inputText: string) {
  const program = compile(def as StateMachineDefinition);
  const journal: EngineInput[] = [{ kind: 'Start', now: T0, input: JSON.parse(inputText) as Json, inputText, meta: META, seed: 1 }];
  const r = await replay(program, journal);
  return { events: r.allEvents, state: r.state };
}
const text = (e: HistoryEvent | undefined, key: 'input' | 'output') => details(e)[key];

describe('exact input text', () => {
  it('a Task given its input unchanged is dispatched with the original text; with Parameters it is not', async () => {
    const program = compile({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fn', End: true } } } as StateMachineDefinition);
    const start = await step(program, undefined, { kind: 'Start', now: T0, input: 0, inputText: '0.0', meta: META, seed: 1 });
    const dispatch = start.commands.find((c) => c.kind === 'DispatchTask');
    expect(dispatch).toMatchObject({ payload: 0, payloadText: '0.0' });

    const built = compile({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fn', Parameters: { 'v.$': '$' }, End: true } } } as StateMachineDefinition);
    const r = await step(built, undefined, { kind: 'Start', now: T0, input: 0, inputText: '0.0', meta: META, seed: 1 });
    const cmd = r.commands.find((c) => c.kind === 'DispatchTask');
    expect(cmd).toMatchObject({ payload: { v: 0 } });
    expect(cmd && 'payloadText' in cmd).toBe(false);
  });

  it('ExecutionStarted, the first StateEntered and a pass-through keep the text; a built value does not', async () => {
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } } };
    const { events, state } = await run(def, '[[1, 2, 3]]');
    expect(text(events[0], 'input')).toBe('[[1, 2, 3]]');
    expect(text(events[1], 'input')).toBe('[[1, 2, 3]]');
    expect(text(events[2], 'output')).toBe('[[1, 2, 3]]');
    expect(text(events[3], 'input')).toBe('[[1, 2, 3]]');
    expect(text(events[4], 'output')).toBe('{"v":[[1,2,3]]}');
    expect(state.output).toBe('{"v":[[1,2,3]]}');
  });

  it('Parallel branches get the text and the result array embeds it (AWS: `[[[[1, 2, 3]]]]`)', async () => {
    const inner = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const def = { StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [inner, inner], End: true } } };
    const { events, state } = await run(def, '[1, 2]');
    const entered = events.filter((e) => e.type === 'PassStateEntered').map((e) => text(e, 'input'));
    expect(entered).toEqual(['[1, 2]', '[1, 2]']);
    expect(state.output).toBe('[[1, 2],[1, 2]]');
  });

  it('Map items are new values: compact', async () => {
    const def = { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } };
    const { events, state } = await run(def, '["a", "b"]');
    expect(text(events[1], 'input')).toBe('["a", "b"]');
    expect(state.output).toBe('["a","b"]');
  });

  it('a canonical text changes nothing, and a number keeps its spelling only where it is passed on', async () => {
    const same = await run({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, '{"a":1}');
    expect(text(same.events[0], 'input')).toBe('{"a":1}');
    const num = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Result: 0, End: true } } }, '0.0');
    expect(text(num.events[0], 'input')).toBe('0.0');
    expect(text(num.events[1], 'input')).toBe('0.0');
    expect(num.state.output).toBe('0');
  });
});

describe('exact task result text', () => {
  const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  async function task(extra: object) {
    const program = compile({ StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true, ...extra } } } as StateMachineDefinition);
    let r = await step(program, undefined, { kind: 'Start', now: T0, input: 0, inputText: '0.0', meta: META, seed: 1 });
    const events = [...r.events];
    const taskId = (r.commands.find((c) => c.kind === 'DispatchTask') as { taskId: string }).taskId;
    r = await step(program, r.state, { kind: 'TaskSucceeded', now: T0, taskId, output: 0, outputText: '0.0' });
    return { events: [...events, ...r.events], state: r.state };
  }

  it('is recorded verbatim and passed on when the state leaves the result untouched', async () => {
    const { events, state } = await task({});
    expect(text(events[2], 'input')).toBe('0.0');
    expect(text(events.find((e) => e.type === 'LambdaFunctionSucceeded'), 'output')).toBe('0.0');
    expect(text(events.find((e) => e.type === 'TaskStateExited'), 'output')).toBe('0.0');
    expect(state.output).toBe('0.0');
  });

  it('is re-serialised once ResultSelector builds a new value from it', async () => {
    const { events, state } = await task({ ResultSelector: { 'v.$': '$' } });
    expect(text(events.find((e) => e.type === 'LambdaFunctionSucceeded'), 'output')).toBe('0.0');
    expect(state.output).toBe('{"v":0}');
  });

  it('the fake-dispatcher path without outputText is unchanged', async () => {
    const r = await drive({ StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } } as StateMachineDefinition, { a: 1 });
    expect(r.state.output).toBe('{"echoed":{"a":1}}');
  });
});
