import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/asl/errors.js';
import { evaluateIntrinsic } from '../../../src/asl/intrinsics.js';
import { createPrng } from '../../../src/asl/prng.js';

const hash = (alg: string, text: string) => createHash(alg.replace('-', '').toLowerCase()).update(text).digest('hex');
const scope = (input: unknown = {}) => ({
  input: input as never, context: { Execution: { Name: 'exec' } }, variables: { v: 3 }, rng: createPrng(9), hash,
});
const run = (text: string, input: unknown = {}) => evaluateIntrinsic(text, scope(input));
function error(text: string, input: unknown = {}): { error: string; cause?: string } {
  try {
    run(text, input);
  } catch (e) {
    if (e instanceof StatesError) return e.toOutput();
    throw e;
  }
  throw new Error('did not throw');
}

describe('States.Format', () => {
  it('fills placeholders with Java-style renderings', () => {
    expect(run("States.Format('a={} b={} c={} d={}', $.s, $.n, $.o, $.l)", { s: 'x', n: 1.5, o: { k: 1, m: [] }, l: [1, 'a'] }))
      .toBe('a=x b=1.5 c={k=1, m=[]} d=[1, a]');
    expect(run("States.Format('{}', $.z)", { z: null })).toBe('null');
  });
  it('honours escaped braces in the literal template', () => {
    expect(run("States.Format('\\{{}\\}', 'x')")).toBe('{x}');
  });
  it('fails when the placeholder count differs from the arguments', () => {
    expect(error("States.Format('{} {}', 1)").error).toBe('States.IntrinsicFailure');
    expect(error("States.Format('{}', 1, 2)").error).toBe('States.IntrinsicFailure');
  });
});

describe('JSON functions', () => {
  it('StringToJson / JsonToString', () => {
    expect(run('States.StringToJson($.s)', { s: '{"a":[1]}' })).toEqual({ a: [1] });
    expect(run('States.StringToJson($.s)', { s: '  ' })).toBeNull();
    expect(run('States.StringToJson($.s)', { s: '-0' })).toBe(0);
    expect(error('States.StringToJson($.s)', { s: '{bad' }).error).toBe('States.IntrinsicFailure');
    expect(run('States.JsonToString($.o)', { o: { a: 1, b: [true] } })).toBe('{"a":1,"b":[true]}');
  });
  it('JsonMerge is shallow and refuses deep merge', () => {
    expect(run('States.JsonMerge($.a, $.b, false)', { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 } } })).toEqual({ x: { q: 2 }, y: 1 });
    expect(error('States.JsonMerge($.a, $.b, true)', { a: {}, b: {} }).error).toBe('States.IntrinsicFailure');
    expect(error('States.JsonMerge($.a, $.b, false)', { a: [], b: {} }).error).toBe('States.IntrinsicFailure');
  });
});

describe('array functions', () => {
  it('Array, Partition, Contains, Range, GetItem, Length, Unique', () => {
    expect(run("States.Array(1, 'a', $.x, $v)", { x: [true] })).toEqual([1, 'a', [true], 3]);
    expect(run('States.Array()')).toEqual([]);
    expect(run('States.ArrayPartition($.l, 2)', { l: [1, 2, 3, 4, 5] })).toEqual([[1, 2], [3, 4], [5]]);
    expect(run('States.ArrayContains($.l, $.v)', { l: [1, { a: [2] }], v: { a: [2] } })).toBe(true);
    expect(run('States.ArrayContains($.l, 3)', { l: [1] })).toBe(false);
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(run('States.ArrayRange(1, 0, 1)')).toEqual([]);
    expect(run('States.ArrayGetItem($.l, 1)', { l: ['a', 'b'] })).toBe('b');
    expect(run('States.ArrayLength($.l)', { l: [1, 2, 3] })).toBe(3);
    expect(run('States.ArrayUnique($.l)', { l: [1, 1, 'a', { k: 1 }, { k: 1 }, null, null] })).toEqual([1, 'a', { k: 1 }, null]);
  });
  it('fails on bad arguments', () => {
    expect(error('States.ArrayPartition($.l, 0)', { l: [1] }).error).toBe('States.IntrinsicFailure');
    expect(error('States.ArrayRange(1, 5000, 1)').error).toBe('States.IntrinsicFailure');
    expect(error('States.ArrayRange(1, 5, 0)').error).toBe('States.IntrinsicFailure');
    expect(error('States.ArrayGetItem($.l, 5)', { l: [1] }).error).toBe('States.IntrinsicFailure');
    expect(error('States.ArrayLength($.l)', { l: 'x' }).error).toBe('States.IntrinsicFailure');
  });
});

describe('encoding and hashing', () => {
  it('Base64 round trips UTF-8', () => {
    expect(run("States.Base64Encode('Data to encode')")).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run("States.Base64Encode('héllo ✓')")).toBe(Buffer.from('héllo ✓').toString('base64'));
    expect(run("States.Base64Decode('aMOpbGxvIOKckw==')")).toBe('héllo ✓');
    expect(run("States.Base64Decode('')")).toBe('');
    expect(error("States.Base64Decode('@@@')").error).toBe('States.IntrinsicFailure');
  });
  it('Hash uses the injected function and validates the algorithm', () => {
    expect(run("States.Hash('input data', 'SHA-1')")).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
    expect(error("States.Hash('x', 'SHA-3')").error).toBe('States.IntrinsicFailure');
    expect(() => evaluateIntrinsic("States.Hash('x', 'MD5')", { input: {}, context: {}, variables: {} })).toThrow(StatesError);
  });
});

describe('math, strings, uuid', () => {
  it('MathAdd rounds each operand half-up like Java', () => {
    expect(run('States.MathAdd(1.49, 1.5)')).toBe(3);
    expect(run('States.MathAdd(-0.5, 0)')).toBe(0);
    expect(Object.is(run('States.MathAdd(-0.5, 0)'), -0)).toBe(false);
    expect(run('States.MathAdd(-1.5, -1.51)')).toBe(-3);
    expect(error("States.MathAdd('1', 2)").error).toBe('States.IntrinsicFailure');
  });
  it('MathRandom stays in [start, end) and is reproducible with a seed', () => {
    for (let i = 0; i < 50; i++) {
      const x = run('States.MathRandom(5, 8)') as number;
      expect(x >= 5 && x < 8).toBe(true);
    }
    expect(run('States.MathRandom(0, 10, 42)')).toBe(0); // new java.util.Random(42).nextInt(10) = 0
    expect(error('States.MathRandom(5, 5)').error).toBe('States.IntrinsicFailure');
  });
  it('StringSplit splits on every splitter character', () => {
    expect(run("States.StringSplit('This.is+a,test=string', '.+,=')")).toEqual(['This', 'is', 'a', 'test', 'string']);
    expect(run("States.StringSplit('1,2,,3', ',')")).toEqual(['1', '2', '3']);
  });
  it('UUID is a deterministic v4 from the PRNG', () => {
    const a = run('States.UUID()') as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run('States.UUID()')).toBe(a);
  });
});

describe('paths inside intrinsics', () => {
  it('reads the context and variables', () => {
    expect(run("States.Format('{}-{}', $$.Execution.Name, $v)")).toBe('exec-3');
  });
  it('a missing path fails with States.Runtime naming the field', () => {
    expect(evaluateIntrinsicError()).toEqual({
      error: 'States.Runtime',
      cause: "The JSONPath '$.nope' specified for the field 'f.$' could not be found in the input '{\"a\":1}'",
    });
  });
  it('unknown functions and wrong arity are intrinsic failures', () => {
    expect(error('States.Nope(1)').error).toBe('States.IntrinsicFailure');
    expect(error('States.ArrayLength()').error).toBe('States.IntrinsicFailure');
  });
});

function evaluateIntrinsicError() {
  try {
    evaluateIntrinsic('States.ArrayLength($.nope)', scope({ a: 1 }), undefined, undefined, 'f.$');
  } catch (e) {
    return (e as StatesError).toOutput();
  }
  return undefined;
}
