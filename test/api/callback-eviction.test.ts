/**
 * Executions waiting on `.waitForTaskToken` callbacks leave memory once idle (src/runtime/residency.ts): held only by
 * their rows in the store, found again by their token. Real service, real HTTP function, real SDK client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, rest, waitFor, type Composed } from '../dispatch/compose.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';
let h: Composed;
let fn: http.Server;
let url: string;
beforeAll(async () => {
  fn = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"accepted":true}')); });
  await new Promise<void>((r) => fn.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(fn.address() as AddressInfo).port}/2015-03-31/functions/function/invocations`;
  h = await compose();
  expect((await rest(h.url, 'PUT', '/api/functions/notify', { endpoint: url })).status).toBe(200);
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => fn.close(() => r()));
});

/** Two callbacks in a row, so that answering the first leaves the execution waiting again. */
const definition = JSON.stringify({
  StartAt: 'First', States: {
    First: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Next: 'Second',
      Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } } },
    Second: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true,
      Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } } },
  },
});

async function tokens(arn: string, n: number): Promise<string[]> {
  const events = await waitFor(async () => (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [],
    (ev) => ev.filter((e) => e.type === 'TaskSubmitted').length >= n);
  return events.filter((e) => e.type === 'TaskScheduled')
    .map((e) => (JSON.parse(e.taskScheduledEventDetails!.parameters!) as { Payload: { token: string } }).Payload.token);
}
const held = (arn: string) => h.service.ctx.runner.get(arn) !== undefined;
const leaves = (arn: string) => waitFor(async () => held(arn), (v) => !v, 5000);

describe('executions waiting on callbacks', () => {
  it('leave memory a second after they go idle and come back for a heartbeat, an answer, and after a restart', async () => {
    const sm = (await h.sfn.send(new CreateStateMachineCommand({ name: 'cb-evict', definition, roleArn: ROLE }))).stateMachineArn!;
    const { executionArn: arn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    const [first] = await tokens(arn!, 1);
    expect(await leaves(arn!)).toBe(false);
    // A heartbeat finds the execution by its token in the store; it leaves again once idle.
    await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: first! }));
    expect(await leaves(arn!)).toBe(false);
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: first!, output: '{"step":1}' }));
    const [, second] = await tokens(arn!, 2);
    expect(await leaves(arn!)).toBe(false);
    // The first token's task is closed: TaskTimedOut, and the execution is not kept in memory for it.
    await expect(h.sfn.send(new SendTaskSuccessCommand({ taskToken: first!, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(await leaves(arn!)).toBe(false);
    // An answer whose output is refused (InvalidOutput) changes nothing and does not keep it in memory either.
    await expect(h.sfn.send(new SendTaskSuccessCommand({ taskToken: second!, output: 'not json' }))).rejects.toMatchObject({ name: 'InvalidOutput' });
    expect(await leaves(arn!)).toBe(false);

    // A restart leaves it in the store; the answer still finds it.
    await h.stop();
    const dir = h.dir;
    h = await compose({ dir });
    expect((await rest(h.url, 'PUT', '/api/functions/notify', { endpoint: url })).status).toBe(200);
    expect(held(arn!)).toBe(false);
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: second!, output: '{"step":2}' }));
    const done = await waitFor(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: arn! })), (d) => d.status !== 'RUNNING');
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"step":2}' });
    const types = ((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn! }))).events ?? []).map((e) => e.type);
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(2);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });
});
