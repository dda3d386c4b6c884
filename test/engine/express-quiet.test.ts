/**
 * Express executions keep no history on AWS, so the engine builds only their Execution* events (StepContext
 * quiet): everything else AWS returns (status, output text, error, cause, the closing event) must be exactly
 * what a Standard run of the same definition gives, including the 256 KiB DataLimitExceeded check.
 */
import { describe, expect, it } from 'vitest';
import { compile, step } from '../../src/engine/index.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';
import type { Json } from '../../src/util/json.js';
import { META, T0, drive, type DriveOptions } from './drive.js';

const EXPRESS: DriveOptions = { meta: { type: 'EXPRESS' } };

/** Runs the definition as STANDARD and as EXPRESS; returns both. */
async function both(def: StateMachineDefinition, input: Json, opts: DriveOptions = {}) {
  const std = await drive(def, input, opts);
  const exp = await drive(def, input, { ...opts, meta: { ...opts.meta, type: 'EXPRESS' } });
  return { std, exp };
}

const MIXED: StateMachineDefinition = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Parameters: { n: 0, tag: 'é"\\', 'list.$': '$.list' }, Next: 'Fan' },
    Fan: {
      Type: 'Parallel', ResultPath: '$.branches', Next: 'Items',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', Result: { a: 1 }, ResultPath: '$.a', End: true } } },
        { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } },
      ],
    },
    Items: {
      Type: 'Map', ItemsPath: '$.list', ResultPath: '$.mapped', Next: 'Loop',
      ItemProcessor: { StartAt: 'M', States: { M: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, 1)' }, End: true } } },
    },
    Loop: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'list.$': '$.list' }, Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.n', IsNumeric: true }, { Variable: '$.n', NumericLessThan: 3 }], Next: 'Loop' }],
      Default: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describe('Express executions (no history kept)', () => {
  it('emit only the Execution* events, with the ids and output a Standard run gives', async () => {
    const { std, exp } = await both(MIXED, { list: [1, 2, 3] });
    expect(std.state.status).toBe('SUCCEEDED');
    expect(exp.events).toEqual(std.events.filter((e) => e.type.startsWith('Execution')));
    expect(exp.events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    expect(exp.state.output).toBe(std.state.output);
    expect(exp.state.nextEventId).toBe(std.state.nextEventId);
  });

  it('fail exactly as a Standard run does (closing event ids, error, cause)', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'P', States: { P: { Type: 'Pass', Next: 'C' }, C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'P' }] } },
    };
    const { std, exp } = await both(def, { y: 1 });
    expect(std.state.error).toBe('States.NoChoiceMatched');
    expect(exp.events).toEqual(std.events.filter((e) => e.type.startsWith('Execution')));
    expect({ ...exp.state, internal: null }).toEqual({ ...std.state, internal: null });
  });

  it('fail with the same States.DataLimitExceeded at 256 KiB + 1 byte, and succeed at exactly 256 KiB', async () => {
    const def: StateMachineDefinition = { StartAt: 'Big', States: { Big: { Type: 'Pass', Parameters: { 's.$': '$.s' }, End: true } } };
    // `{"s":"…"}` is 8 bytes around the string; é is 2 bytes of UTF-8 (so a character count bound cannot decide).
    const fill = (bytes: number) => 'é'.repeat(Math.floor((bytes - 8) / 2)) + 'a'.repeat((bytes - 8) % 2);
    for (const [bytes, ok] of [[262_144, true], [262_145, false]] as const) {
      const { std, exp } = await both(def, { s: fill(bytes) });
      expect(std.state.status).toBe(ok ? 'SUCCEEDED' : 'FAILED');
      expect({ ...exp.state, internal: null }).toEqual({ ...std.state, internal: null });
      if (!ok) expect(exp.state.cause).toBe("The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit.");
    }
  });

  it('succeed with an output whose cheap bound is over the quota but whose text is not', async () => {
    const def: StateMachineDefinition = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 's.$': '$.s' }, End: true } } };
    const { std, exp } = await both(def, { s: 'x'.repeat(100_000) });
    expect(exp.state.status).toBe('SUCCEEDED');
    expect(exp.state.output).toBe(std.state.output);
  });

  it('keep the original text of an input that flows through unchanged', async () => {
    const program = compile({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const inputText = '{"a": 1.0, "b": [ 2 ]}';
    const r = await step(program, undefined, {
      kind: 'Start', now: T0, input: JSON.parse(inputText) as Json, inputText, seed: 1, meta: { ...META, ...EXPRESS.meta },
    });
    expect(r.state.output).toBe(inputText);
    expect(r.events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
  });
});
