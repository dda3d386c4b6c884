/**
 * RedriveExecution end to end through the real AWS SDK: a failed activity task is redriven and succeeds with its
 * history continuing; an aborted Wait resumes; SUCCEEDED / RUNNING executions are ExecutionNotRedrivable;
 * DescribeExecution's redrive fields, ListExecutions' redriveFilter and clientToken idempotency.
 */
import {
  CreateActivityCommand, CreateStateMachineCommand, DescribeExecutionCommand, GetActivityTaskCommand,
  GetExecutionHistoryCommand, ListExecutionsCommand, RedriveExecutionCommand, SendTaskFailureCommand,
  SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE, PASS, errorOf, startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.close(); });

const create = async (name: string, definition: string) =>
  (await h.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE }))).stateMachineArn!;
const describeExec = (executionArn: string) => h.sfn.send(new DescribeExecutionCommand({ executionArn }));
const settled = (arn: string) => waitFor(() => describeExec(arn), (d) => d.status !== 'RUNNING', 15_000);
const history = async (arn: string) => (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];

describe('RedriveExecution', () => {
  it('re-runs a failed activity task only, continuing the history, and succeeds', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'redrive-work' }));
    const sm = await create('redrive-activity', JSON.stringify({
      StartAt: 'Prep',
      States: {
        Prep: { Type: 'Pass', Result: { n: 1 }, Next: 'Work' },
        Work: { Type: 'Task', Resource: activityArn, Parameters: { 'n.$': '$.n', 'redrives.$': '$$.Execution.RedriveCount' }, End: true },
      },
    }));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const first = await h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn! }));
    expect(JSON.parse(first.input!)).toEqual({ n: 1, redrives: 0 });
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: first.taskToken!, error: 'Flaky', cause: 'first try' }));
    const failed = await settled(executionArn!);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Flaky', redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    const failedLen = (await history(executionArn!)).length;

    const r = await h.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn!, clientToken: 'tok-1' }));
    expect(r.redriveDate).toBeInstanceOf(Date);
    const second = await h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn! }));
    expect(JSON.parse(second.input!)).toEqual({ n: 1, redrives: 1 });
    // The same client token again answers with the same redrive, even though the execution is RUNNING.
    const again = await h.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn!, clientToken: 'tok-1' }));
    expect(again.redriveDate?.getTime()).toBe(r.redriveDate?.getTime());
    const running = await errorOf(h.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn!, clientToken: 'tok-2' })));
    expect(running.name).toBe('ExecutionNotRedrivable');
    expect(running.message).toContain('Execution is RUNNING and cannot be redriven');
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: second.taskToken!, output: '{"done":true}' }));

    const done = await settled(executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
    expect(done.redriveStatusReason).toBe('Execution is SUCCEEDED and cannot be redriven');
    expect(done.redriveDate?.getTime()).toBe(r.redriveDate?.getTime());
    expect(done.stopDate).toBeInstanceOf(Date);

    const events = await history(executionArn!);
    const tail = events.slice(failedLen);
    expect(tail.map((e) => e.type)).toEqual([
      'ExecutionRedriven', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(tail[0]).toMatchObject({ id: failedLen + 1, previousEventId: failedLen, executionRedrivenEventDetails: { redriveCount: 1 } });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'PassStateEntered')).toHaveLength(1);

    const redriven = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, redriveFilter: 'REDRIVEN' }));
    expect(redriven.executions?.map((e) => e.executionArn)).toEqual([executionArn]);
    expect(redriven.executions?.[0]).toMatchObject({ redriveCount: 1 });
    const notRedriven = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, redriveFilter: 'NOT_REDRIVEN' }));
    expect(notRedriven.executions).toEqual([]);
  });

  it('resumes an aborted execution in the Wait state it was stopped in', async () => {
    const sm = await create('redrive-wait', JSON.stringify({
      StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
    }));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"x": 1}' }));
    await h.sfn.send(new StopExecutionCommand({ executionArn: executionArn!, error: 'Stopped' }));
    expect((await describeExec(executionArn!)).status).toBe('ABORTED');
    await h.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn! }));
    const done = await settled(executionArn!);
    // The input passed through unchanged keeps its original text (see Frame.inputText).
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"x": 1}', redriveCount: 1 });
    const types = (await history(executionArn!)).map((e) => e.type);
    expect(types).toEqual([
      'ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted', 'ExecutionRedriven', 'WaitStateEntered',
      'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('refuses SUCCEEDED, unknown and express executions', async () => {
    const sm = await create('redrive-pass', PASS);
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    await settled(executionArn!);
    const e = await errorOf(h.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn! })));
    expect(e.name).toBe('ExecutionNotRedrivable');
    expect(e.message).toContain('Execution is SUCCEEDED and cannot be redriven');
    const missing = await errorOf(h.sfn.send(new RedriveExecutionCommand({ executionArn: `${executionArn}-nope` })));
    expect(missing.name).toBe('ExecutionDoesNotExist');
    const express = await errorOf(h.sfn.send(new RedriveExecutionCommand({
      executionArn: 'arn:aws:states:us-east-1:123456789012:express:sm:name:abc',
    })));
    expect(express.name).toBe('InvalidArn');
    const bad = await errorOf(h.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn!, clientToken: 'x'.repeat(65) })));
    expect(bad.name).toBe('ValidationException');
  });
});
