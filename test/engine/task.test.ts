/** Task states: event families by resource, Retry back-off timers, Catch, timeouts and heartbeats (AWS docs). */
import { describe, expect, it } from 'vitest';
import { T0, chain, details, drive, loadSample } from './drive.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';

const task = (Resource: string, extra: Record<string, unknown> = {}): StateMachineDefinition =>
  ({ StartAt: 'T', States: { T: { Type: 'Task', Resource, End: true, ...extra } } }) as StateMachineDefinition;

describe('Task event families', () => {
  it('a Lambda ARN gives LambdaFunctionScheduled/Started/Succeeded', async () => {
    const r = await drive(task('arn:aws:lambda:us-east-1:123456789012:function:f', { TimeoutSeconds: 9 }), { a: 1 });
    expect(chain(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 0, 'TaskStateEntered'], [3, 2, 'LambdaFunctionScheduled'],
      [4, 3, 'LambdaFunctionStarted'], [5, 4, 'LambdaFunctionSucceeded'], [6, 5, 'TaskStateExited'],
      [7, 6, 'ExecutionSucceeded'],
    ]);
    expect(details(r.events[2])).toEqual({
      resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', input: '{"a":1}',
      inputDetails: { truncated: false }, timeoutInSeconds: 9,
    });
    expect(r.events[3]).not.toHaveProperty('lambdaFunctionStartedEventDetails');
    expect(JSON.parse(r.state.output!)).toEqual({ echoed: { a: 1 } });
  });

  it('a service integration gives TaskScheduled with resourceType/resource/region/parameters', async () => {
    const r = await drive(task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'f', 'Payload.$': '$' } }), { a: 1 });
    expect(r.events.map((e) => e.type)).toContain('TaskSucceeded');
    expect(details(r.events[2])).toEqual({
      resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{"FunctionName":"f","Payload":{"a":1}}',
    });
    expect(details(r.events[3])).toEqual({ resourceType: 'lambda', resource: 'invoke' });
    const dispatch = r.commands.find((c) => c.kind === 'DispatchTask');
    expect(dispatch).toMatchObject({ resource: 'arn:aws:states:::lambda:invoke', payload: { FunctionName: 'f', Payload: { a: 1 } } });
  });

  it('an activity ARN gives Activity* events', async () => {
    const r = await drive(task('arn:aws:states:us-east-1:123456789012:activity:work', { HeartbeatSeconds: 5 }), {});
    expect(r.events.map((e) => e.type).slice(2, 5)).toEqual(['ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded']);
    expect(details(r.events[2])).toMatchObject({ resource: 'arn:aws:states:us-east-1:123456789012:activity:work', heartbeatInSeconds: 5 });
  });

  it('LambdaFunctionFailed fails the execution with the function error', async () => {
    const r = await drive(task('fn'), {}, { dispatch: () => ({ error: 'Boom', cause: '{"errorMessage":"x"}' }) });
    expect(r.state).toMatchObject({ status: 'FAILED', error: 'Boom', cause: '{"errorMessage":"x"}' });
    expect(details(r.events[4])).toEqual({ error: 'Boom', cause: '{"errorMessage":"x"}' });
  });
});

describe('Retry and Catch', () => {
  it('retries with IntervalSeconds × BackoffRate^n as timers, without a new TaskStateEntered', async () => {
    const r = await drive(loadSample('task-retry-catch'), { order: 1 }, {
      dispatch: (_c, n) => (n < 3 ? { error: 'Busy' } : { ok: { id: 'r-9' } }),
    });
    expect(r.state.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.state.output!)).toEqual({ order: 1, charge: { receipt: 'r-9' } });
    const fires = r.commands.flatMap((c) => (c.kind === 'StartTimer' ? [c.fireAt] : []));
    expect(fires.map((t) => t - T0)).toEqual([2000, 2000 + 6000]);
    expect(r.events.filter((e) => e.type === 'TaskStateEntered')).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(3);
  });

  it('after MaxAttempts the catcher takes over with ResultPath', async () => {
    const r = await drive(loadSample('task-retry-catch'), { order: 1 }, { dispatch: () => ({ error: 'Busy', cause: 'later' }) });
    expect(r.events.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(4);
    expect(JSON.parse(r.state.output!)).toEqual({ order: 1, error: { Error: 'Busy', Cause: 'later' }, refund: 'refunded' });
    const exited = r.events.find((e) => e.type === 'TaskStateExited');
    expect(details(exited).output).toBe('{"order":1,"error":{"Error":"Busy","Cause":"later"}}');
  });

  it('MaxAttempts 0 never retries; MaxDelaySeconds caps; JitterStrategy FULL stays within the cap', async () => {
    const def = task('fn', {
      Retry: [
        { ErrorEquals: ['Never'], MaxAttempts: 0 },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, BackoffRate: 10, MaxDelaySeconds: 15, MaxAttempts: 3, JitterStrategy: 'FULL' },
      ],
    });
    const never = await drive(def, {}, { dispatch: () => ({ error: 'Never' }) });
    expect(never.commands.filter((c) => c.kind === 'StartTimer')).toHaveLength(0);
    expect(never.state.error).toBe('Never');
    const other = await drive(def, {}, { dispatch: () => ({ error: 'Other' }) });
    const starts = other.commands.filter((c) => c.kind === 'StartTimer');
    expect(starts).toHaveLength(3);
    const waits = other.events.filter((e) => e.type === 'LambdaFunctionScheduled').map((e) => e.timestamp);
    for (let i = 1; i < waits.length; i++) expect(waits[i]! - waits[i - 1]!).toBeLessThanOrEqual(15_000);
  });

  it('States.ALL does not catch States.Runtime (an OutputPath that matches nothing)', async () => {
    const def = task('fn', { OutputPath: '$.missing', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }] });
    (def.States as Record<string, unknown>).X = { Type: 'Pass', End: true };
    const r = await drive(def, {}, { dispatch: () => ({ ok: {} }) });
    expect(r.state.error).toBe('States.Runtime');
    expect(r.events.at(-2)?.type).toBe('LambdaFunctionSucceeded');
  });

  it('States.TaskFailed matches task errors but not States.Timeout', async () => {
    const def = task('fn', { TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'X' }] });
    (def.States as Record<string, unknown>).X = { Type: 'Pass', End: true };
    const failed = await drive(def, {}, { dispatch: () => ({ error: 'Custom' }) });
    expect(failed.state.status).toBe('SUCCEEDED');
    const timedOut = await drive(def, {}, { dispatch: () => 'hang' });
    expect(timedOut.state).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });
});

describe('timeouts and callbacks', () => {
  it('TimeoutSeconds → LambdaFunctionTimedOut, CancelTask, ExecutionFailed States.Timeout', async () => {
    const r = await drive(task('fn', { TimeoutSeconds: 5 }), {}, { dispatch: () => 'hang' });
    expect(r.now - T0).toBe(5000);
    expect(r.events.slice(-2).map((e) => e.type)).toEqual(['LambdaFunctionTimedOut', 'ExecutionFailed']);
    expect(details(r.events.at(-2))).toEqual({ error: 'States.Timeout' });
    expect(r.commands.some((c) => c.kind === 'CancelTask')).toBe(true);
  });

  it('waitForTaskToken: the token reaches the payload; TaskSubmitted; heartbeats re-arm the timer', async () => {
    const r = await drive(loadSample('task-timeouts'), {}, { dispatch: () => ({ submitted: { MessageId: 'm' }, heartbeats: 1, then: { ok: 'approved' } }) });
    const dispatch = r.commands.find((c) => c.kind === 'DispatchTask');
    expect(dispatch?.kind === 'DispatchTask' && dispatch.taskToken).toBeTruthy();
    expect(dispatch?.kind === 'DispatchTask' && (dispatch.payload as { MessageBody: { token: string } }).MessageBody.token).toBe(
      dispatch?.kind === 'DispatchTask' ? dispatch.taskToken : '',
    );
    expect(r.events.map((e) => e.type).slice(2, 6)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    expect(details(r.events[2])).toMatchObject({ resource: 'sendMessage.waitForTaskToken', resourceType: 'sqs', timeoutInSeconds: 300, heartbeatInSeconds: 60 });
    expect(r.state.output).toBe('"approved"');
  });

  it('a missing heartbeat fails with States.HeartbeatTimeout, which the catcher handles', async () => {
    const r = await drive(loadSample('task-timeouts'), { x: 1 }, { dispatch: () => ({ submitted: {} , then: 'hang' }) });
    expect(r.now - T0).toBe(60_000);
    expect(r.events.find((e) => e.type === 'TaskTimedOut')).toMatchObject({ taskTimedOutEventDetails: { error: 'States.HeartbeatTimeout' } });
    expect(JSON.parse(r.state.output!)).toEqual({ Error: 'States.HeartbeatTimeout', Cause: '' });
  });
});

describe('Task inputs and limits', () => {
  it('TimeoutSecondsPath and HeartbeatSecondsPath read the state input (or a variable)', async () => {
    const def = task('arn:aws:states:::sqs:sendMessage', {
      Parameters: { QueueUrl: 'q' }, TimeoutSecondsPath: '$.t', HeartbeatSecondsPath: '$hb',
    });
    const withVar: StateMachineDefinition = {
      StartAt: 'V', States: { V: { Type: 'Pass', Assign: { hb: 4 }, Next: 'T' }, T: def.States.T! },
    };
    const r = await drive(withVar, { t: 30 }, { dispatch: () => 'hang' });
    expect(details(r.events.find((e) => e.type === 'TaskScheduled'))).toMatchObject({ timeoutInSeconds: 30, heartbeatInSeconds: 4 });
    expect(r.state.error).toBe('States.HeartbeatTimeout');
  });

  it('an effective input over 256 KiB fails with States.DataLimitExceeded before dispatch', async () => {
    const r = await drive(task('fn'), { big: 'x'.repeat(262_144) });
    expect(r.state.error).toBe('States.DataLimitExceeded');
    expect(r.commands.some((c) => c.kind === 'DispatchTask')).toBe(false);
  });
});
