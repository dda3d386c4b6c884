import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/asl/errors.js';
import {
  evaluateJsonata, evaluateJsonataTemplate, isJsonataTemplate, jsonataTypeCause,
} from '../../../src/asl/jsonata.js';
import type { JsonataBindings } from '../../../src/asl/jsonata.js';
import { createPrng } from '../../../src/asl/prng.js';

const hash = (alg: string, text: string) => createHash(alg.replace('-', '').toLowerCase()).update(text).digest('hex');
const bindings: JsonataBindings = {
  states: { input: { a: [1, 2, 3], s: '{"x":1}', name: 'n' }, context: { Execution: { Name: 'ex' } } },
  variables: { v: 5 },
  hash,
  now: Date.UTC(2024, 0, 2, 3, 4, 5),
};
const ev = (expr: string) => evaluateJsonata(expr, bindings, createPrng(1), 'Output');
async function cause(p: Promise<unknown>): Promise<{ error: string; cause?: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatesError) return e.toOutput();
    throw e;
  }
  throw new Error('did not throw');
}

describe('isJsonataTemplate', () => {
  it('needs {% %} with no surrounding whitespace', () => {
    expect(isJsonataTemplate('{% 1 %}')).toBe(true);
    expect(isJsonataTemplate(' {% 1 %}')).toBe(false);
    expect(isJsonataTemplate('{% 1')).toBe(false);
    expect(isJsonataTemplate(1)).toBe(false);
  });
});

describe('evaluateJsonata', () => {
  it('binds $states and workflow variables', async () => {
    expect(await ev('$states.input.a[1] + $v')).toBe(7);
    expect(await ev('$states.context.Execution.Name')).toBe('ex');
    expect(await ev('$states.input.a[$ > 1]')).toEqual([2, 3]);
    expect(await ev('$states.input.nope')).toBeUndefined();
  });

  it('provides the AWS functions', async () => {
    expect(await ev('$partition([1,2,3,4,5], 2)')).toEqual([[1, 2], [3, 4], [5]]);
    expect(await ev('$range(0, 10, 2)')).toEqual([0, 2, 4, 6, 8, 10]);
    expect(await ev("$hash('input data', 'MD5')")).toBe('812f45842bc6d66ee14572ce20db8e86');
    expect(await ev('$parse($states.input.s)')).toEqual({ x: 1 });
    expect(await ev('$random(42)')).toBe(0.7275636800328681);
    const r = (await ev('$random()')) as number;
    expect(r >= 0 && r < 1).toBe(true);
    expect(await ev('$uuid()')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is deterministic: same PRNG seed, same results; clock comes from bindings', async () => {
    expect(await ev('$random()')).toBe(await ev('$random()'));
    expect(await ev('$now()')).toBe('2024-01-02T03:04:05.000Z');
    expect(await ev('$millis()')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(await ev("$now('[Y0001]-[M01]')")).toBe('2024-01');
  });

  it('disables $eval', async () => {
    expect((await cause(ev("$eval('1+1')"))).error).toBe('States.QueryEvaluationError');
  });

  it('reports evaluation errors in AWS format', async () => {
    expect(await cause(evaluateJsonata('$randomSeeded(1)', bindings, createPrng(1), 'Output/FunctionResult'))).toEqual({
      error: 'States.QueryEvaluationError',
      cause: "The JSONata expression '$randomSeeded(1)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    });
  });
});

describe('evaluateJsonataTemplate', () => {
  it('walks objects and arrays, leaving plain strings alone', async () => {
    const out = await evaluateJsonataTemplate(
      { a: '{% $v %}', list: [1, "{% $number('2') %}"], plain: '$v', nested: { n: '{% $states.input.name %}' } },
      bindings, createPrng(1), 'Output',
    );
    expect(out).toEqual({ a: 5, list: [1, 2], plain: '$v', nested: { n: 'n' } });
  });

  it('an undefined result is an error naming the nested field', async () => {
    expect(await cause(evaluateJsonataTemplate({ error: '{% $stateError %}' }, bindings, createPrng(1), 'Output'))).toEqual({
      error: 'States.QueryEvaluationError',
      cause: "The JSONata expression '$stateError' specified for the field 'Output/error' returned nothing (undefined).",
    });
  });

  it('formats type mismatch causes', () => {
    expect(jsonataTypeCause('$ItemsVar', 'Items', 'array', { foo: 'bar' })).toBe(
      "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}",
    );
  });
});
