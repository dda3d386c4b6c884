/**
 * `.waitForTaskToken` callbacks end to end: the token read from the history (TaskScheduled parameters) or from
 * the function that received it, completed through the SDK's SendTask* and through the REST task routes,
 * a heartbeat timeout, and AWS's errors for bad tokens and bad output.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskSuccessCommand, StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, rest, waitFor, type Composed } from '../dispatch/compose.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';
let h: Composed;
let fn: http.Server;
beforeAll(async () => {
  h = await compose();
  fn = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"accepted":true}')); });
  await new Promise<void>((r) => fn.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(fn.address() as AddressInfo).port}/2015-03-31/functions/function/invocations`;
  expect((await rest(h.url, 'PUT', '/api/functions/notify', { endpoint: url })).status).toBe(200);
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => fn.close(() => r()));
});

const callback = (extra: object = {}) => ({
  StartAt: 'Wait', States: {
    Wait: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true,
      Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } }, ...extra,
    },
  },
});
async function start(name: string, extra: object = {}): Promise<{ arn: string; token: string }> {
  const sm = (await h.sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(callback(extra)), roleArn: ROLE }))).stateMachineArn!;
  const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
  // The token is in the TaskScheduled parameters; the task accepts callbacks once TaskSubmitted is recorded.
  const events = await waitFor(async () => (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArn! }))).events ?? [],
    (ev) => ev.some((e) => e.type === 'TaskSubmitted'));
  const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
  const params = JSON.parse(scheduled.taskScheduledEventDetails!.parameters!) as { Payload: { token: string } };
  return { arn: executionArn!, token: params.Payload.token };
}
const finished = (arn: string) => waitFor(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: arn })), (d) => d.status !== 'RUNNING');

describe('callbacks', () => {
  it('SendTaskSuccess through the SDK completes the task', async () => {
    const { arn, token } = await start('cb-sdk');
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"n":1}' }));
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED', output: '{"n":1}' });
  });

  it('REST success, failure and heartbeat routes', async () => {
    const ok = await start('cb-rest-ok');
    const t = encodeURIComponent(ok.token);
    expect((await rest(h.url, 'POST', `/api/tasks/${t}/heartbeat`)).status).toBe(200);
    const bad = await rest(h.url, 'POST', `/api/tasks/${t}/success`, 'not json');
    expect(bad).toMatchObject({ status: 400, json: { error: 'InvalidOutput' } });
    expect((await rest(h.url, 'POST', `/api/tasks/${t}/success`, '{"via":"rest"}')).status).toBe(200);
    expect(await finished(ok.arn)).toMatchObject({ status: 'SUCCEEDED', output: '{"via":"rest"}' });

    const ko = await start('cb-rest-ko');
    const f = await rest(h.url, 'POST', `/api/tasks/${encodeURIComponent(ko.token)}/failure`, { error: 'Denied', cause: 'by a human' });
    expect(f.status).toBe(200);
    expect(await finished(ko.arn)).toMatchObject({ status: 'FAILED', error: 'Denied', cause: 'by a human' });
  });

  it('unknown tokens are InvalidToken; a bad failure body is refused', async () => {
    expect(await rest(h.url, 'POST', '/api/tasks/garbage/success', '{}')).toMatchObject({ status: 400, json: { error: 'InvalidToken' } });
    expect(await rest(h.url, 'POST', '/api/tasks/garbage/heartbeat')).toMatchObject({ status: 400, json: { error: 'InvalidToken' } });
    expect((await rest(h.url, 'POST', '/api/tasks/garbage/failure', '{"error":')).status).toBe(400);
  });

  it('fails with States.HeartbeatTimeout when no heartbeat comes', async () => {
    const { arn } = await start('cb-hb', { HeartbeatSeconds: 1 });
    const d = await finished(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  });
});
