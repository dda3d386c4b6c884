/** Error matching, retry back-off and error prefixes (ASL spec "Error Handling", AWS error names). */
import { describe, expect, it } from 'vitest';
import { errorMatches, errorOutput, findCatcher, toErrorInfo } from '../../../src/engine/failure.js';
import { StatesError } from '../../../src/asl/errors.js';
import type { Frame } from '../../../src/engine/internal.js';

const frame = { state: 'S', enteredId: 7 } as Frame;

describe('errorMatches', () => {
  it('matches names exactly and States.ALL as a wildcard', () => {
    expect(errorMatches(['A', 'B'], 'B')).toBe(true);
    expect(errorMatches(['A'], 'a')).toBe(false);
    expect(errorMatches(['States.ALL'], 'Anything')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.Timeout')).toBe(true);
  });

  it('never matches States.Runtime, even by name', () => {
    expect(errorMatches(['States.ALL'], 'States.Runtime')).toBe(false);
    expect(errorMatches(['States.Runtime'], 'States.Runtime')).toBe(false);
  });

  it('States.TaskFailed matches everything but States.Timeout', () => {
    expect(errorMatches(['States.TaskFailed'], 'Lambda.Unknown')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'States.HeartbeatTimeout')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
  });

  it('findCatcher takes the first matching catcher', () => {
    const c = findCatcher([{ ErrorEquals: ['X'], Next: 'a' }, { ErrorEquals: ['States.ALL'], Next: 'b' }], 'Y');
    expect(c?.Next).toBe('b');
  });
});

describe('toErrorInfo', () => {
  it('prefixes States.Runtime causes with the state and its entered event id', () => {
    const info = toErrorInfo(frame, new StatesError('States.Runtime', 'Invalid path'));
    expect(info.cause).toBe("An error occurred while executing the state 'S' (entered at the event id #7). Invalid path");
  });

  it('leaves user errors alone and extracts the JSONata field as location', () => {
    expect(toErrorInfo(frame, new StatesError('Mine', 'c'))).toEqual({ error: 'Mine', cause: 'c' });
    const q = toErrorInfo(frame, new StatesError('States.QueryEvaluationError', "The JSONata expression 'x' specified for the field 'Output/a' returned nothing (undefined)."));
    expect(q.location).toBe('Output/a');
  });

  it('turns unexpected exceptions into States.Runtime', () => {
    expect(toErrorInfo(frame, new Error('bug')).error).toBe('States.Runtime');
  });

  it('errorOutput always has Cause (empty when absent, as AWS records)', () => {
    expect(errorOutput({ error: 'E' })).toEqual({ Error: 'E', Cause: '' });
  });
});
