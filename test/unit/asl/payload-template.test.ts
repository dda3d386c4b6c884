import { describe, expect, it } from 'vitest';
import { buildContext } from '../../../src/asl/context-object.js';
import { StatesError } from '../../../src/asl/errors.js';
import { applyPayloadTemplate } from '../../../src/asl/payload-template.js';
import { createPrng } from '../../../src/asl/prng.js';
import type { ExecutionMeta } from '../../../src/engine/contract.js';

const meta: ExecutionMeta = {
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:sm:ex',
  executionName: 'ex',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::111111111111:role/r',
  startTime: '2024-01-01T00:00:00.000Z',
  region: 'us-east-1',
  account: '111111111111',
  type: 'STANDARD',
};
const context = buildContext(meta, { stateName: 'S', enteredTime: '2024-01-01T00:00:01.000Z', input: { in: 1 } });
const scope = { input: { a: 1, b: { c: [1, 2] } }, context, variables: { myVar: { k: 'v' } }, rng: createPrng(1) };

describe('applyPayloadTemplate', () => {
  it('resolves .$ keys from input, context, variables and intrinsics; copies the rest', () => {
    expect(applyPayloadTemplate({
      static: 'x',
      'fromInput.$': '$.b.c[1]',
      'whole.$': '$',
      'ctx.$': '$$.Execution.Name',
      'var.$': '$myVar.k',
      'fn.$': "States.Format('{}-{}', $.a, $myVar.k)",
      nested: { 'deep.$': '$.a', list: [{ 'x.$': '$.a' }, 'lit'] },
      'notPath': '$.a',
    }, scope)).toEqual({
      static: 'x',
      fromInput: 2,
      whole: scope.input,
      ctx: 'ex',
      var: 'v',
      fn: '1-v',
      nested: { deep: 1, list: [{ x: 1 }, 'lit'] },
      notPath: '$.a',
    });
  });

  it('evaluates the same template object afresh against each scope (its plan is cached per template)', () => {
    const template = { 'sum.$': 'States.MathAdd($.a, 1)', 'v.$': '$.a', nested: { 'w.$': '$myVar.k' }, lit: [1, { x: 2 }] };
    const first = applyPayloadTemplate(template, scope);
    const second = applyPayloadTemplate(template, { ...scope, input: { a: 41 }, variables: { myVar: { k: 'w' } } });
    expect(first).toEqual({ sum: 2, v: 1, nested: { w: 'v' }, lit: [1, { x: 2 }] });
    expect(second).toEqual({ sum: 42, v: 41, nested: { w: 'w' }, lit: [1, { x: 2 }] });
    expect(() => applyPayloadTemplate(template, { ...scope, input: {} })).toThrow(StatesError);
  });

  it('keeps __proto__ keys as plain data', () => {
    const out = applyPayloadTemplate(JSON.parse('{"__proto__": {"x": 1}, "__proto__.$": "$.a"}'), scope) as object;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(1);
  });

  it('passes scalars and arrays through', () => {
    expect(applyPayloadTemplate('s', scope)).toBe('s');
    expect(applyPayloadTemplate([1, { 'a.$': '$.a' }], scope)).toEqual([1, { a: 1 }]);
  });

  it('fails with AWS cause when a path matches nothing', () => {
    try {
      applyPayloadTemplate({ 'address.$': '$.application.address' }, { ...scope, input: { flagged: false } });
      expect.unreachable();
    } catch (e) {
      expect((e as StatesError).toOutput()).toEqual({
        error: 'States.Runtime',
        cause: "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'",
      });
    }
  });

  it('propagates intrinsic failures', () => {
    expect(() => applyPayloadTemplate({ 'x.$': 'States.ArrayLength($.a)' }, scope)).toThrow(/IntrinsicFailure/);
  });
});

describe('buildContext', () => {
  it('has the recorded AWS shape and member order', () => {
    expect(JSON.stringify(context)).toBe(JSON.stringify({
      Execution: {
        Id: meta.executionArn, Input: { in: 1 }, StartTime: meta.startTime, Name: 'ex', RoleArn: meta.roleArn, RedriveCount: 0,
      },
      StateMachine: { Id: meta.stateMachineArn, Name: 'sm' },
      State: { Name: 'S', EnteredTime: '2024-01-01T00:00:01.000Z' },
    }));
  });
  it('adds RetryCount, Task.Token and Map.Item when given', () => {
    const c = buildContext(meta, {
      stateName: 'T', enteredTime: 't', input: {}, retryCount: 2, taskToken: 'tok', mapItem: { index: 3, value: 'v' },
    });
    expect(c.State).toEqual({ Name: 'T', EnteredTime: 't', RetryCount: 2 });
    expect(c.Task).toEqual({ Token: 'tok' });
    expect(c.Map).toEqual({ Item: { Index: 3, Value: 'v' } });
  });
});
