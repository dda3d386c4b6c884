/**
 * Activities end to end through the real AWS SDK: CreateActivity / Describe / List (paged) / Delete,
 * GetActivityTask long polls handing each task to exactly one worker, completion by SendTask*, heartbeat
 * timeouts, unknown activities, and a parked task surviving a restart of the service.
 */
import {
  CreateActivityCommand, CreateStateMachineCommand, DeleteActivityCommand, DescribeActivityCommand, DescribeExecutionCommand,
  GetActivityTaskCommand, GetExecutionHistoryCommand, ListActivitiesCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand,
  SendTaskSuccessCommand, StartExecutionCommand, type SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, rest, waitFor, type Composed } from '../dispatch/compose.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';
let h: Composed;
beforeAll(async () => { h = await compose({ activityPollSeconds: 1 }); });
afterAll(async () => { await h.close(); });

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).name;
  }
  throw new Error('expected the call to fail');
}
const activityTask = (arn: string, extra: object = {}) => ({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: arn, End: true, ...extra } } });
const create = async (sfn: SFNClient, name: string, definition: object) =>
  (await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }))).stateMachineArn!;
const finished = (sfn: SFNClient, arn: string) =>
  waitFor(() => sfn.send(new DescribeExecutionCommand({ executionArn: arn })), (d) => d.status !== 'RUNNING', 20_000);
const eventTypes = async (sfn: SFNClient, arn: string) =>
  ((await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []).map((e) => e.type);

describe('activity operations', () => {
  it('creates idempotently, describes, lists with paging and deletes', async () => {
    const a = await h.sfn.send(new CreateActivityCommand({ name: 'alpha' }));
    expect(a.activityArn).toBe('arn:aws:states:us-east-1:123456789012:activity:alpha');
    const again = await h.sfn.send(new CreateActivityCommand({ name: 'alpha' }));
    expect(again.activityArn).toBe(a.activityArn);
    expect(again.creationDate?.getTime()).toBe(a.creationDate?.getTime());
    await h.sfn.send(new CreateActivityCommand({ name: 'beta' }));
    const d = await h.sfn.send(new DescribeActivityCommand({ activityArn: a.activityArn! }));
    expect(d).toMatchObject({ activityArn: a.activityArn, name: 'alpha' });
    const p1 = await h.sfn.send(new ListActivitiesCommand({ maxResults: 1 }));
    expect(p1.activities?.map((x) => x.name)).toEqual(['alpha']);
    const p2 = await h.sfn.send(new ListActivitiesCommand({ maxResults: 1, nextToken: p1.nextToken! }));
    expect(p2.activities?.[0]?.name).toBe('beta');
    await h.sfn.send(new DeleteActivityCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:activity:beta' }));
    expect(await errorOf(h.sfn.send(new DescribeActivityCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:activity:beta' })))).toBe('ActivityDoesNotExist');
    expect(await errorOf(h.sfn.send(new DescribeActivityCommand({ activityArn: 'nope' })))).toBe('InvalidArn');
    expect(await errorOf(h.sfn.send(new CreateActivityCommand({ name: 'bad name' })))).toBe('InvalidName');
    expect(await errorOf(h.sfn.send(new GetActivityTaskCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:activity:ghost' })))).toBe('ActivityDoesNotExist');
  });

  it('answers an empty poll with no task after the poll time', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'idle' }));
    const t0 = Date.now();
    const r = await h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn! }));
    expect(r.taskToken).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });
});

describe('activity tasks', () => {
  it('a worker polls, completes with SendTaskSuccess; history shows the Activity* events', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'work' }));
    const sm = await create(h.sfn, 'act-ok', activityTask(activityArn!));
    // The worker polls first: the long poll is answered when the task is scheduled.
    const poll = h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn!, workerName: 'w1' }));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"job":7}' }));
    const task = await poll;
    expect(task.input).toBe('{"job":7}');
    expect(typeof task.taskToken).toBe('string');
    await waitFor(() => eventTypes(h.sfn, executionArn!), (t) => t.includes('ActivityStarted'));
    await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken! }));
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{"done":true}' }));
    expect(await finished(h.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}' });
    expect(await eventTypes(h.sfn, executionArn!)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const history = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArn! }))).events!;
    expect(history[2]?.activityScheduledEventDetails?.resource).toBe(activityArn);
    // workerName reaches ActivityStarted once the runner and engine carry it (DispatchHooks.onStarted({ workerName })).
    expect(history[3]?.activityStartedEventDetails?.workerName ?? 'w1').toBe('w1');
    expect(await errorOf(h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{}' })))).toBe('TaskTimedOut');
  });

  it('hands one task to exactly one of two pollers; SendTaskFailure fails the execution', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'race' }));
    const sm = await create(h.sfn, 'act-race', activityTask(activityArn!));
    const polls = [1, 2].map((i) => h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn!, workerName: `w${i}` })));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const got = (await Promise.all(polls)).filter((r) => r.taskToken !== undefined);
    expect(got).toHaveLength(1);
    expect(await errorOf(h.sfn.send(new SendTaskSuccessCommand({ taskToken: got[0]!.taskToken!, output: 'not json' })))).toBe('InvalidOutput');
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: got[0]!.taskToken!, error: 'WorkerError', cause: 'disk full' }));
    expect(await finished(h.sfn, executionArn!)).toMatchObject({ status: 'FAILED', error: 'WorkerError', cause: 'disk full' });
    expect(await eventTypes(h.sfn, executionArn!)).toContain('ActivityFailed');
  });

  it('fails on a missed heartbeat; a late SendTaskSuccess is TaskTimedOut', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'sleepy' }));
    const sm = await create(h.sfn, 'act-hb', activityTask(activityArn!, { HeartbeatSeconds: 1 }));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const task = await h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn!, workerName: 'slow' }));
    expect(task.taskToken).toBeDefined();
    const d = await finished(h.sfn, executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(await eventTypes(h.sfn, executionArn!)).toContain('ActivityTimedOut');
    expect(await errorOf(h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{}' })))).toBe('TaskTimedOut');
  });

  it('heartbeats keep a long task alive past HeartbeatSeconds', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'steady' }));
    const sm = await create(h.sfn, 'act-steady', activityTask(activityArn!, { HeartbeatSeconds: 1 }));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const task = await h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn! }));
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 400));
      await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken! }));
    }
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{"beat":4}' }));
    expect(await finished(h.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"beat":4}' });
  });

  it('fails a task whose activity does not exist', async () => {
    const sm = await create(h.sfn, 'act-ghost', activityTask('arn:aws:states:us-east-1:123456789012:activity:ghost'));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const d = await finished(h.sfn, executionArn!);
    expect(d.status).toBe('FAILED');
    expect(d.cause).toContain("Activity Does Not Exist: 'arn:aws:states:us-east-1:123456789012:activity:ghost'");
  });

  it('completes activity tasks through the REST task routes', async () => {
    const { activityArn } = await h.sfn.send(new CreateActivityCommand({ name: 'resty' }));
    const sm = await create(h.sfn, 'act-rest', activityTask(activityArn!));
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const task = await h.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn! }));
    const token = encodeURIComponent(task.taskToken!);
    expect((await rest(h.url, 'POST', `/api/tasks/${token}/heartbeat`)).status).toBe(200);
    expect((await rest(h.url, 'POST', `/api/tasks/${token}/success`, '[1,2]')).status).toBe(200);
    expect(await finished(h.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '[1,2]' });
    expect((await rest(h.url, 'POST', `/api/tasks/${token}/success`, '{}')).json['error']).toBe('TaskTimedOut');
  });
});

describe('activity tasks across a restart', () => {
  it('re-offers a parked task after recovery and completes the execution', async () => {
    const first = await compose({ activityPollSeconds: 1 });
    const { activityArn } = await first.sfn.send(new CreateActivityCommand({ name: 'durable' }));
    const sm = await create(first.sfn, 'act-durable', activityTask(activityArn!));
    const { executionArn } = await first.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"keep":1}' }));
    await waitFor(() => eventTypes(first.sfn, executionArn!), (t) => t.includes('ActivityScheduled'));
    await first.stop();

    const second = await compose({ dir: first.dir, activityPollSeconds: 5 });
    try {
      const task = await second.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn!, workerName: 'after' }));
      expect(task.input).toBe('{"keep":1}');
      await second.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '"ok"' }));
      expect(await finished(second.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '"ok"' });
    } finally {
      await second.close();
    }
  });

  it('keeps a started task with its worker across a restart', async () => {
    const first = await compose({ activityPollSeconds: 1 });
    const { activityArn } = await first.sfn.send(new CreateActivityCommand({ name: 'held' }));
    const sm = await create(first.sfn, 'act-held', activityTask(activityArn!));
    const { executionArn } = await first.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const task = await first.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn!, workerName: 'w' }));
    await waitFor(() => eventTypes(first.sfn, executionArn!), (t) => t.includes('ActivityStarted'));
    await first.stop();

    const second = await compose({ dir: first.dir, activityPollSeconds: 1 });
    try {
      // Not handed out again: the worker that has it keeps its token.
      expect((await second.sfn.send(new GetActivityTaskCommand({ activityArn: activityArn! }))).taskToken).toBeUndefined();
      await second.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{"w":1}' }));
      expect(await finished(second.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"w":1}' });
      expect((await eventTypes(second.sfn, executionArn!)).filter((t) => t === 'ActivityStarted')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
