/** redriveVerdict: AWS's redrive eligibility and reasons (DescribeExecution redriveStatusReason). */
import { describe, expect, it } from 'vitest';
import { REDRIVE_PERIOD_MS, redriveVerdict } from '../../src/runtime/redrive.js';
import type { ExecutionRow } from '../../src/store/index.js';

const parked = JSON.stringify({ status: 'FAILED', nextEventId: 9, internal: { parked: { id: 'f0' } } });
const row = (over: Partial<ExecutionRow>): ExecutionRow => ({
  id: 1, arn: 'arn', smArn: 'sm', name: 'n', revisionId: 'r', versionArn: null, aliasArn: null, status: 'FAILED',
  input: '{}', output: null, error: 'E', cause: null, startMs: 0, stopMs: 1000, traceHeader: null, seed: 1,
  state: parked, journalLen: 3, redriveCount: 0, redriveMs: null, ...over,
});

describe('redriveVerdict', () => {
  it('a failed execution with a parked frame is redrivable', () => {
    expect(redriveVerdict(row({}), 2000)).toEqual({ redrivable: true });
    expect(redriveVerdict(row({ status: 'TIMED_OUT' }), 2000)).toEqual({ redrivable: true });
  });

  it('RUNNING and SUCCEEDED are not, nor one that is live in the runner', () => {
    expect(redriveVerdict(row({ status: 'SUCCEEDED' }), 2000)).toEqual({ redrivable: false, reason: 'Execution is SUCCEEDED and cannot be redriven' });
    expect(redriveVerdict(row({ status: 'RUNNING' }), 2000)).toMatchObject({ reason: 'Execution is RUNNING and cannot be redriven' });
    expect(redriveVerdict(row({}), 2000, true)).toMatchObject({ reason: 'Execution is RUNNING and cannot be redriven' });
  });

  it('only within 14 days of the stop', () => {
    expect(redriveVerdict(row({}), 1000 + REDRIVE_PERIOD_MS)).toEqual({ redrivable: true });
    expect(redriveVerdict(row({}), 1001 + REDRIVE_PERIOD_MS)).toEqual({ redrivable: false, reason: 'Execution redrivable period exceeded' });
  });

  it('not past the history event limit, nor without a parked frame', () => {
    const big = JSON.stringify({ status: 'FAILED', nextEventId: 25_001, internal: { parked: {} } });
    expect(redriveVerdict(row({ state: big }), 2000)).toMatchObject({ reason: 'Execution history event limit exceeded' });
    const old = JSON.stringify({ status: 'FAILED', nextEventId: 9, internal: {} });
    expect(redriveVerdict(row({ state: old }), 2000)).toMatchObject({ redrivable: false });
  });
});
