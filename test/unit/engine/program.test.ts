/** compile(): per-state query language and nested machines resolved once. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/engine/index.js';
import { stateAt } from '../../../src/engine/program.js';
import { detailsKey } from '../../../src/engine/step-context.js';

describe('compile', () => {
  it('resolves the query language: state, then definition, then JSONPath', () => {
    const p = compile({
      QueryLanguage: 'JSONata', StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONPath', Next: 'M' },
        M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } } },
      },
    });
    expect(stateAt(p, '', 'A').ql).toBe('JSONata');
    expect(stateAt(p, '', 'B').ql).toBe('JSONPath');
    expect(stateAt(p, '/M#0', 'I').ql).toBe('JSONata');
    expect(compile({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }).queryLanguage).toBe('JSONPath');
  });

  it('gives every Parallel branch and Map processor a stable path; the program is frozen', () => {
    const p = compile({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
            { StartAt: 'Y', States: { Y: { Type: 'Map', End: true, Iterator: { StartAt: 'Z', States: { Z: { Type: 'Pass', End: true } } } } } },
          ],
        },
      },
    });
    expect(Object.keys(p.machines).sort()).toEqual(['', '/P#0', '/P#1', '/P#1/Y#0']);
    expect(Object.isFrozen(p)).toBe(true);
    expect(() => stateAt(p, '/P#0', 'nope')).toThrow();
  });

  it('names event details members as AWS does', () => {
    expect(detailsKey('PassStateEntered')).toBe('stateEnteredEventDetails');
    expect(detailsKey('MapStateStarted')).toBe('mapStateStartedEventDetails');
    expect(detailsKey('LambdaFunctionScheduled')).toBe('lambdaFunctionScheduledEventDetails');
    expect(detailsKey('ParallelStateSucceeded')).toBeUndefined();
    expect(detailsKey('TaskStateAborted')).toBeUndefined();
  });
});
