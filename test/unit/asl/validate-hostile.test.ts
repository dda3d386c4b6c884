/** Bad input never crashes or hangs the validator. */
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, validateDefinition } from '../../../src/asl/validate.js';
import type { Diagnostic } from '../../../src/asl/types.js';

const codes = (d: Diagnostic[]) => d.map((x) => x.code);
const valid = {
  StartAt: 'A',
  States: {
    A: { Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: ['X'] }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }], Next: 'C' },
    C: { Type: 'Choice', Choices: [{ And: [{ Variable: '$.a', IsPresent: true }], Next: 'P' }], Default: 'M' },
    P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }], Next: 'M' },
    M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Next: 'W' },
    W: { Type: 'Wait', Seconds: 1, Next: 'F' },
    F: { Type: 'Fail', Error: 'E' },
  },
};

describe('wrong types everywhere', () => {
  it('the baseline definition is valid', () => {
    expect(validateDefinition(JSON.stringify(valid))).toEqual([]);
  });

  it.each([
    ['States as array', { StartAt: 'A', States: [] }, '/States'],
    ['States as string', { StartAt: 'A', States: 'x' }, '/States'],
    ['StartAt as number', { ...valid, StartAt: 1 }, '/StartAt'],
    ['Type as number', { StartAt: 'A', States: { A: { Type: 1, End: true } } }, '/States/A/Type'],
    ['state as null', { StartAt: 'A', States: { A: null } }, '/States/A'],
    ['Next as object', { StartAt: 'A', States: { A: { Type: 'Pass', Next: { x: 1 } } } }, '/States/A/Next'],
    ['End as string', { StartAt: 'A', States: { A: { Type: 'Pass', End: 'true' } } }, '/States/A/End'],
    ['Choices as object', { StartAt: 'A', States: { A: { Type: 'Choice', Choices: {} } } }, '/States/A/Choices'],
    ['rule as string', { StartAt: 'A', States: { A: { Type: 'Choice', Choices: ['x'] } } }, '/States/A/Choices[0]'],
    ['And as object', { StartAt: 'A', States: { A: { Type: 'Choice', Choices: [{ And: {}, Next: 'A' }] } } }, '/States/A/Choices[0]/And'],
    ['Branches as object', { StartAt: 'A', States: { A: { Type: 'Parallel', Branches: {}, End: true } } }, '/States/A/Branches'],
    ['branch States as number', { StartAt: 'A', States: { A: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: 3 }], End: true } } }, '/States/A/Branches[0]/States'],
    ['ItemProcessor as array', { StartAt: 'A', States: { A: { Type: 'Map', ItemProcessor: [], End: true } } }, '/States/A/ItemProcessor'],
    ['Retry as object', { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'f', Retry: {}, End: true } } }, '/States/A/Retry'],
    ['Catch entry as number', { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'f', Catch: [1], End: true } } }, '/States/A/Catch[0]'],
    ['ErrorEquals as string', { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: 'States.ALL' }], End: true } } }, '/States/A/Retry[0]/ErrorEquals'],
    ['Resource as object', { StartAt: 'A', States: { A: { Type: 'Task', Resource: {}, End: true } } }, '/States/A/Resource'],
    ['Parameters as array', { StartAt: 'A', States: { A: { Type: 'Pass', Parameters: [], End: true } } }, '/States/A/Parameters'],
    ['Seconds as boolean', { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: true, End: true } } }, '/States/A/Seconds'],
    ['Assign as string', { StartAt: 'A', States: { A: { Type: 'Pass', Assign: 'x', End: true } } }, '/States/A/Assign'],
  ])('%s → a located ERROR, no crash', (_name, def, location) => {
    const d = validateDefinition(JSON.stringify(def));
    expect(d.some((x) => x.severity === 'ERROR' && x.location === location)).toBe(true);
  });

  it('survives every field of every state replaced by values of every type', () => {
    const junk = [null, 0, -1, 1.5, '', 'x', '$', true, [], [null], {}, { a: null }];
    for (const [name, state] of Object.entries(valid.States)) {
      for (const key of [...Object.keys(state), 'Next', 'Default', 'Output', 'Items', 'Condition']) {
        for (const value of junk) {
          const def = { ...valid, States: { ...valid.States, [name]: { ...state, [key]: value } } };
          expect(() => validateDefinition(JSON.stringify(def))).not.toThrow();
          expect(() => validateDefinition(JSON.stringify(def), { type: 'EXPRESS' })).not.toThrow();
        }
      }
    }
  });
});

describe('size and depth', () => {
  it('validates a 2 MB definition quickly', () => {
    const states: Record<string, unknown> = {};
    const n = 4000;
    for (let i = 0; i < n; i++) {
      states[`S${i}`] = { Type: 'Pass', Result: { blob: 'x'.repeat(480) }, ...(i === n - 1 ? { End: true } : { Next: `S${i + 1}` }) };
    }
    const text = JSON.stringify({ StartAt: 'S0', States: states });
    expect(text.length).toBeGreaterThan(2_000_000);
    const t0 = performance.now();
    expect(validateDefinition(text)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('refuses 10,000-deep nesting as TOO_DEEPLY_NESTED instead of overflowing the stack', () => {
    const deep = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`;
    expect(codes(validateDefinition(deep))).toEqual(['TOO_DEEPLY_NESTED']);
    // Built as text: JSON.stringify itself would overflow on this depth.
    const not = `${'{"Not":'.repeat(10_000)}{"Variable":"$.x","IsNull":true}${'}'.repeat(10_000)}`;
    const text = `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":${not},"Next":"C"}]}}}`;
    expect(codes(validateDefinition(text))).toEqual(['TOO_DEEPLY_NESTED']);
  });

  it('still validates definitions just under the depth limit', () => {
    const inner = `${'['.repeat(MAX_DEPTH - 10)}${']'.repeat(MAX_DEPTH - 10)}`;
    const text = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":${inner}}}}`;
    expect(validateDefinition(text)).toEqual([]);
  });

  it('refuses deeply nested intrinsic calls and JSONata without overflowing', () => {
    const call = `${'States.Array('.repeat(5000)}${')'.repeat(5000)}`;
    const d1 = validateDefinition(JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'v.$': call }, End: true } } }));
    expect(codes(d1)).toEqual(['SCHEMA_VALIDATION_FAILED']);
    const expr = `{% ${'('.repeat(20_000)}1${')'.repeat(20_000)} %}`;
    const d2 = validateDefinition(JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: expr, End: true } } }));
    expect(d2.every((d) => d.code === 'INVALID_JSONATA_EXPRESSION')).toBe(true);
  });
});

describe('prototype keys and odd strings', () => {
  it('treats __proto__ and constructor as ordinary state names and fields', () => {
    const text = '{"StartAt":"__proto__","States":{"__proto__":{"Type":"Pass","Next":"constructor"},"constructor":{"Type":"Pass","Parameters":{"__proto__":{"a.$":"$"},"constructor.$":"$.x"},"End":true}}}';
    expect(validateDefinition(text)).toEqual([]);
    expect(({} as Record<string, unknown>)['a.$']).toBeUndefined();
    const bad = '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"toString"},"hasOwnProperty":{"Type":"Succeed"}}}';
    expect(codes(validateDefinition(bad))).toEqual(['MISSING_TRANSITION_TARGET', 'MISSING_TRANSITION_TARGET']);
    const field = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"__proto__":{"x":1},"constructor":1}}}';
    expect(validateDefinition(field).map((d) => d.message)).toEqual(["Field '__proto__' is not supported", "Field 'constructor' is not supported"]);
  });

  it('copes with lone surrogates in names, values and paths', () => {
    const text = JSON.stringify({ StartAt: '\ud800', States: { '\ud800': { Type: 'Pass', Parameters: { 'v.$': '$.\udfff', w: '\ud83d' }, Comment: '\udc00', End: true } } });
    expect(validateDefinition(text)).toEqual([]);
    const bad = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: '\ud800' } } });
    expect(codes(validateDefinition(bad))).toContain('MISSING_TRANSITION_TARGET');
  });
});
