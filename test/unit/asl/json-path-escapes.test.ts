/**
 * Bracket-notation names as Jayway 2.4 (AWS) reads them: a backslash stops the next character from closing the
 * name but stays part of it; the other quote kind is an ordinary character; `['a','b']` is a union.
 */
import { describe, expect, it } from 'vitest';
import { isReferencePath, lookupJsonPath, referencePathSteps } from '../../../src/asl/json-path.js';

describe('JSONPath bracket names with escapes (Jayway)', () => {
  it('keeps backslashes and escaped quotes verbatim in the name', () => {
    const key = 'Test\\""Name"';
    const path = `$['Test\\""Name"']`;
    expect(referencePathSteps(path)).toEqual([key]);
    expect(lookupJsonPath(path, { [key]: 'v' })).toEqual({ ok: true, value: 'v' });
  });

  it('an escaped delimiter does not end the name', () => {
    expect(referencePathSteps(`$['a\\'b']`)).toEqual([`a\\'b`]);
    expect(referencePathSteps(`$["a\\"b"]`)).toEqual([`a\\"b`]);
  });

  it('a double backslash escapes itself, so the following quote closes the name', () => {
    expect(referencePathSteps(`$['a\\\\']`)).toEqual([`a\\\\`]);
    expect(referencePathSteps(`$['a\\\\'].b`)).toEqual([`a\\\\`, 'b']);
  });

  it('the other quote kind is an ordinary character', () => {
    expect(referencePathSteps(`$['say "hi"']`)).toEqual(['say "hi"']);
    expect(referencePathSteps(`$["it's"]`)).toEqual([`it's`]);
  });

  it('allows spaces around a quoted name inside the brackets', () => {
    expect(referencePathSteps(`$[ 'a b' ].c`)).toEqual(['a b', 'c']);
  });

  it('a quoted list is a union (indefinite), junk after the name is not a path', () => {
    expect(isReferencePath(`$['a','b']`)).toBe(false);
    expect(lookupJsonPath(`$['a','b']`, { a: 1, b: 2 })).toMatchObject({ ok: true });
    expect(lookupJsonPath(`$['a'x]`, { a: 1 })).toEqual({ ok: false, reason: `Invalid path: $['a'x]` });
    expect(lookupJsonPath(`$['a`, { a: 1 })).toEqual({ ok: false, reason: `Invalid path: $['a` });
  });
});
