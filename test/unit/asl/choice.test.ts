import { describe, expect, it } from 'vitest';
import { evaluateChoiceRule } from '../../../src/asl/choice.js';
import { StatesError } from '../../../src/asl/errors.js';
import type { ChoiceRule } from '../../../src/asl/types.js';

const input = {
  s: 'abc', n: 5, f: 1.5, t: true, z: null, ts: '2024-01-01T00:00:00Z', ts2: '2024-01-01T01:00:00+01:00',
  star: 'a*b', other: 'abd', five: 5,
};
const scope = { input, context: { Execution: { Name: 'ex' } }, variables: { lim: 10 } };
const ev = (rule: ChoiceRule) => evaluateChoiceRule(rule, scope);

describe('comparisons', () => {
  it('string', () => {
    expect(ev({ Variable: '$.s', StringEquals: 'abc' })).toBe(true);
    expect(ev({ Variable: '$.s', StringLessThan: 'abd' })).toBe(true);
    expect(ev({ Variable: '$.s', StringGreaterThanEquals: 'abc' })).toBe(true);
    expect(ev({ Variable: '$.s', StringEqualsPath: '$.other' })).toBe(false);
    expect(ev({ Variable: '$.s', StringLessThanPath: '$.other' })).toBe(true);
  });
  it('numeric, including Path operands from variables', () => {
    expect(ev({ Variable: '$.n', NumericEquals: 5 })).toBe(true);
    expect(ev({ Variable: '$.f', NumericGreaterThan: 1 })).toBe(true);
    expect(ev({ Variable: '$.n', NumericLessThanEqualsPath: '$.five' })).toBe(true);
    expect(ev({ Variable: '$.n', NumericLessThanPath: '$lim' })).toBe(true);
  });
  it('boolean and timestamps (compared as instants)', () => {
    expect(ev({ Variable: '$.t', BooleanEquals: true })).toBe(true);
    expect(ev({ Variable: '$.t', BooleanEqualsPath: '$.t' })).toBe(true);
    expect(ev({ Variable: '$.ts', TimestampEquals: '2024-01-01T00:00:00.000Z' })).toBe(true);
    expect(ev({ Variable: '$.ts', TimestampEqualsPath: '$.ts2' })).toBe(true);
    expect(ev({ Variable: '$.ts', TimestampLessThan: '2024-01-02T00:00:00Z' })).toBe(true);
  });
  it('type mismatches are false, not errors', () => {
    expect(ev({ Variable: '$.n', StringEquals: '5' })).toBe(false);
    expect(ev({ Variable: '$.s', NumericEquals: 5 })).toBe(false);
    expect(ev({ Variable: '$.s', BooleanEquals: true })).toBe(false);
    expect(ev({ Variable: '$.s', TimestampEquals: '2024-01-01T00:00:00Z' })).toBe(false);
    expect(ev({ Variable: '$.n', NumericEqualsPath: '$.s' })).toBe(false);
  });
});

describe('StringMatches', () => {
  it('supports * and escapes', () => {
    expect(ev({ Variable: '$.s', StringMatches: 'a*' })).toBe(true);
    expect(ev({ Variable: '$.s', StringMatches: '*c' })).toBe(true);
    expect(ev({ Variable: '$.s', StringMatches: 'b*' })).toBe(false);
    expect(ev({ Variable: '$.star', StringMatches: 'a\\*b' })).toBe(true);
    expect(ev({ Variable: '$.s', StringMatches: 'a\\*c' })).toBe(false);
    expect(ev({ Variable: '$.s', StringMatches: 'a.c' })).toBe(false);
  });
});

describe('type tests and boolean logic', () => {
  it('Is* operators, including false operands', () => {
    expect(ev({ Variable: '$.z', IsNull: true })).toBe(true);
    expect(ev({ Variable: '$.s', IsNull: false })).toBe(true);
    expect(ev({ Variable: '$.missing', IsPresent: false })).toBe(true);
    expect(ev({ Variable: '$.s', IsPresent: true })).toBe(true);
    expect(ev({ Variable: '$.n', IsNumeric: true })).toBe(true);
    expect(ev({ Variable: '$.s', IsString: true })).toBe(true);
    expect(ev({ Variable: '$.t', IsBoolean: true })).toBe(true);
    expect(ev({ Variable: '$.ts', IsTimestamp: true })).toBe(true);
    expect(ev({ Variable: '$.s', IsTimestamp: true })).toBe(false);
  });
  it('And / Or / Not nest', () => {
    expect(ev({ And: [{ Variable: '$.n', NumericEquals: 5 }, { Not: { Variable: '$.s', StringEquals: 'x' } }] })).toBe(true);
    expect(ev({ Or: [{ Variable: '$.n', NumericEquals: 1 }, { Variable: '$$.Execution.Name', StringEquals: 'ex' }] })).toBe(true);
    expect(ev({ Not: { Variable: '$.t', BooleanEquals: true } })).toBe(false);
  });
  it('a missing Variable or Path operand is States.Runtime', () => {
    for (const rule of [
      { Variable: '$.missing', StringEquals: 'x' },
      { Variable: '$.missing', IsNull: true },
      { Variable: '$.s', StringEqualsPath: '$.missing' },
    ] as ChoiceRule[]) {
      try {
        ev(rule);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(StatesError);
        expect((e as StatesError).error).toBe('States.Runtime');
        expect((e as StatesError).cause).toMatch(/^Invalid path '\$\.missing': The choice state's condition path references an invalid value\.$/);
      }
    }
  });
});

describe('a rule object evaluated again (its evaluation plan is cached per rule)', () => {
  it('reads the new input and Path operand each time, and keeps throwing for a bad rule', () => {
    const rule: ChoiceRule = { And: [{ Variable: '$.n', NumericLessThanPath: '$.lim' }, { Not: { Variable: '$.s', StringMatches: 'x*' } }] };
    const at = (n: number, lim: number, s: string) => evaluateChoiceRule(rule, { input: { n, lim, s }, context: {}, variables: {} });
    expect(at(1, 2, 'abc')).toBe(true);
    expect(at(3, 2, 'abc')).toBe(false);
    expect(at(1, 2, 'xyz')).toBe(false);
    expect(at(1, 5, 'a')).toBe(true);
    const bad: ChoiceRule = { Variable: '$.n' };
    for (let i = 0; i < 2; i++) expect(() => ev(bad)).toThrow('Choice rule has no comparison operator');
  });
});
