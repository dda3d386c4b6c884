/** Variables (Assign), their scoping into Map/Parallel, JSONata fields, the Context object, EvaluationFailed. */
import { describe, expect, it } from 'vitest';
import { T0, chain, details, drive, loadSample } from './drive.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';

describe('JSONata and variables', () => {
  it('runs the jsonata-variables sample: Assign, Map Items, Condition, Output', async () => {
    const r = await drive(loadSample('jsonata-variables'), { factor: 3, values: [1, 2, 3], people: [{ name: 'a' }, { name: 'b' }] });
    expect(JSON.parse(r.state.output!)).toEqual({ total: 18, big: true, who: 'a, b' });
    const setupExit = r.events.find((e) => e.type === 'PassStateExited')!;
    expect(details(setupExit)).toMatchObject({
      assignedVariables: { factor: '3', names: '["a","b"]' }, assignedVariablesDetails: { truncated: false },
    });
  });

  it('Assign sees the variable values from before the state (all assignments are simultaneous)', async () => {
    const def: StateMachineDefinition = {
      QueryLanguage: 'JSONata', StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: '{% $x + 1 %}', y: '{% $x %}' }, Output: '{% $x %}', End: true },
      },
    };
    const r = await drive(def, {});
    expect(r.state.output).toBe('1');
    expect(details(r.events.at(-2))).toMatchObject({ assignedVariables: { x: '2', y: '1' } });
  });

  it('iterations read outer variables; their assignments do not leak out', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { outer: 'o' }, Next: 'M' },
        M: {
          Type: 'Map', Next: 'After',
          ItemProcessor: { StartAt: 'In', States: { In: { Type: 'Pass', Assign: { inner: 1 }, Parameters: { 'v.$': '$outer' }, End: true } } },
        },
        After: { Type: 'Pass', Parameters: { 'outer.$': '$outer', 'inner.$': '$inner' }, End: true },
      },
    };
    const r = await drive(def, [1, 2]);
    expect(r.state.error).toBe('States.Runtime');
    expect(r.events.filter((e) => e.type === 'PassStateExited').map((e) => details(e).output)).toContain('{"v":"o"}');
  });

  it('a JSONata evaluation error emits EvaluationFailed linked like *StateEntered', async () => {
    const def: StateMachineDefinition = {
      QueryLanguage: 'JSONata', StartAt: 'S',
      States: { S: { Type: 'Pass', Output: { a: '{% $nothing %}' }, End: true } },
    };
    const r = await drive(def, {});
    expect(chain(r.events)).toEqual([[1, 0, 'ExecutionStarted'], [2, 0, 'PassStateEntered'], [3, 0, 'EvaluationFailed'], [4, 3, 'ExecutionFailed']]);
    expect(details(r.events[2])).toMatchObject({ error: 'States.QueryEvaluationError', location: 'Output/a', state: 'S' });
    expect(r.state.cause).toBe("An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$nothing' specified for the field 'Output/a' returned nothing (undefined).");
  });

  it('Map Items that are not an array fail with AWS\'s type cause', async () => {
    const def: StateMachineDefinition = {
      QueryLanguage: 'JSONata', StartAt: 'M',
      States: { M: { Type: 'Map', Items: '{% "x" %}', End: true, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } } },
    };
    const r = await drive(def, {});
    expect(r.state.cause).toContain(`Expected 'array', but was 'string' for value: "x"`);
    expect(r.events.map((e) => e.type)).toEqual(['ExecutionStarted', 'MapStateEntered', 'EvaluationFailed', 'MapStateFailed', 'ExecutionFailed']);
  });

  it('JSONata Catch Output sees $states.errorOutput', async () => {
    const def: StateMachineDefinition = {
      QueryLanguage: 'JSONata', StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'fn', Catch: [{ ErrorEquals: ['States.ALL'], Output: { e: '{% $states.errorOutput.Error %}' }, Assign: { seen: true }, Next: 'D' }], End: true },
        D: { Type: 'Pass', Output: { e: '{% $states.input.e %}', seen: '{% $seen %}' }, End: true },
      },
    };
    const r = await drive(def, {}, { dispatch: () => ({ error: 'Bad' }) });
    expect(JSON.parse(r.state.output!)).toEqual({ e: 'Bad', seen: true });
  });
});

describe('Context object', () => {
  it('exposes Execution, State, StateMachine and Map.Item', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'C',
      States: { C: { Type: 'Pass', Parameters: { 'ctx.$': '$$' }, End: true } },
    };
    const r = await drive(def, { a: 1 });
    const ctx = JSON.parse(r.state.output!).ctx;
    expect(ctx.Execution).toMatchObject({ Id: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1', Input: { a: 1 }, Name: 'run-1' });
    expect(ctx.State).toEqual({ Name: 'C', EnteredTime: new Date(T0).toISOString() });
    expect(ctx.StateMachine).toMatchObject({ Name: 'sm' });
  });

  it('RetryCount counts retries of the current state', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'fn', Parameters: { 'n.$': '$$.State.RetryCount' }, Retry: [{ ErrorEquals: ['E'], MaxAttempts: 2 }], End: true } },
    };
    const seen: unknown[] = [];
    await drive(def, {}, { dispatch: (c, n) => { seen.push(c.payload); return n < 3 ? { error: 'E' } : { ok: 1 }; } });
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });
});

describe('JSONata in Parallel and Map', () => {
  it('Parallel Arguments feed every branch; Output shapes the array result', async () => {
    const def: StateMachineDefinition = {
      QueryLanguage: 'JSONata', StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel', End: true, Arguments: { n: '{% $states.input.n * 2 %}' }, Output: '{% $sum($states.result) %}',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $states.input.n + 2 %}', End: true } } },
          ],
        },
      },
    };
    const r = await drive(def, { n: 5 });
    expect(r.state.output).toBe('23');
  });

  it('Map ItemSelector sees $states.context.Map.Item', async () => {
    const def: StateMachineDefinition = {
      QueryLanguage: 'JSONata', StartAt: 'M',
      States: {
        M: {
          Type: 'Map', End: true, Items: '{% $states.input.xs %}',
          ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}', tag: '{% $states.input.tag %}' },
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        },
      },
    };
    const r = await drive(def, { tag: 't', xs: ['a', 'b'] });
    expect(JSON.parse(r.state.output!)).toEqual([{ i: 0, v: 'a', tag: 't' }, { i: 1, v: 'b', tag: 't' }]);
  });
});

describe('StopExecution with work in flight', () => {
  it('cancels running tasks and timers of every frame', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fn', TimeoutSeconds: 60, End: true } } },
            { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
          ],
        },
      },
    };
    const r = await drive(def, {}, { dispatch: () => 'hang', stopAfter: 6 });
    expect(r.state.status).toBe('ABORTED');
    const kinds = r.commands.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'CancelTask')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'CancelTimer')).toHaveLength(2);
  });
});
