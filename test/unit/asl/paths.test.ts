import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/asl/errors.js';
import { applyInputPath, applyOutputPath, applyResultPath, lookupScopePath } from '../../../src/asl/paths.js';

function failure(fn: () => unknown): { error: string; cause?: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatesError) return e.toOutput();
    throw e;
  }
  throw new Error('did not throw');
}

describe('InputPath / OutputPath', () => {
  const input = { a: { b: 1 }, list: [1, 2] };
  it('selects, passes through, and empties', () => {
    expect(applyInputPath('$.a', input)).toEqual({ b: 1 });
    expect(applyInputPath(undefined, input)).toBe(input);
    expect(applyInputPath('$', input)).toBe(input);
    expect(applyInputPath(null, input)).toEqual({});
    expect(applyOutputPath('$.list[1]', input)).toBe(2);
    expect(applyOutputPath(null, input)).toEqual({});
  });

  it('reads the Context object and variables when extras are given', () => {
    const extras = { context: { Execution: { Input: { x: 1 } } }, variables: { v: 2 } };
    expect(applyInputPath('$$', { a: 1 }, extras)).toEqual(extras.context);
    expect(applyInputPath('$$.Execution.Input', { a: 1 }, extras)).toEqual({ x: 1 });
    expect(applyOutputPath('$v', {}, extras)).toBe(2);
    expect(applyInputPath('$.a', { a: 1 }, extras)).toBe(1);
  });

  it('fails with States.Runtime and AWS path cause', () => {
    expect(failure(() => applyOutputPath('$.no.such.result.path', {}))).toEqual({
      error: 'States.Runtime',
      cause: "Invalid path '$.no.such.result.path' : Missing property in path $['no']",
    });
    expect(failure(() => applyInputPath('$.foo', {}))).toEqual({
      error: 'States.Runtime',
      cause: "Invalid path '$.foo' : No results for path: $['foo']",
    });
  });
});

describe('ResultPath', () => {
  it('$ replaces, null discards, undefined replaces', () => {
    expect(applyResultPath('$', { a: 1 }, 'r')).toBe('r');
    expect(applyResultPath(undefined, { a: 1 }, 'r')).toBe('r');
    expect(applyResultPath(null, { a: 1 }, 'r')).toEqual({ a: 1 });
  });

  it('writes into a copy, creating intermediate objects', () => {
    const input = { a: { keep: true }, other: 1 };
    const out = applyResultPath('$.a.b.c', input, 5);
    expect(out).toEqual({ a: { keep: true, b: { c: 5 } }, other: 1 });
    expect(input).toEqual({ a: { keep: true }, other: 1 });
    expect(applyResultPath('$.x', {}, [1])).toEqual({ x: [1] });
    expect(applyResultPath("$['we ird']", { y: 1 }, 2)).toEqual({ y: 1, 'we ird': 2 });
  });

  it('replaces an existing array element', () => {
    expect(applyResultPath('$.l[1]', { l: [1, 2, 3] }, 'x')).toEqual({ l: [1, 'x', 3] });
  });

  it('keeps __proto__ as a plain key', () => {
    const out = applyResultPath('$.__proto__', {}, { polluted: true }) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails with States.ResultPathMatchFailure when it cannot write', () => {
    expect(failure(() => applyResultPath('$.a.b', { a: 'str' }, 1)).error).toBe('States.ResultPathMatchFailure');
    expect(failure(() => applyResultPath('$.x', 'scalar', 1)).error).toBe('States.ResultPathMatchFailure');
    expect(failure(() => applyResultPath('$.l[5]', { l: [] }, 1)).error).toBe('States.ResultPathMatchFailure');
    expect(failure(() => applyResultPath('$.a[*]', { a: [] }, 1)).error).toBe('States.ResultPathMatchFailure');
  });
});

describe('scope paths', () => {
  const scope = { input: { i: 1 }, context: { Execution: { Name: 'n' } }, variables: { v: { w: [7] } } };
  it('reads input, context and variables', () => {
    expect(lookupScopePath('$.i', scope)).toEqual({ ok: true, value: 1 });
    expect(lookupScopePath('$$.Execution.Name', scope)).toEqual({ ok: true, value: 'n' });
    expect(lookupScopePath('$v.w[0]', scope)).toEqual({ ok: true, value: 7 });
    expect(lookupScopePath('$v', scope)).toEqual({ ok: true, value: { w: [7] } });
    expect(lookupScopePath('$nope', scope).ok).toBe(false);
  });
});
