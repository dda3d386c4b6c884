/**
 * Lambda tasks end to end: functions registered over REST, invoked over real HTTP (an RIE-like server in this
 * process), `.waitForTaskToken` completed through SendTaskSuccess / SendTaskFailure, alias routing by weight.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, SendTaskFailureCommand,
  SendTaskHeartbeatCommand, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../../src/service/service.js';
import { errorOf, ROLE, startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
let fn: http.Server;
let fnUrl = '';
const tokens: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  fn = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { token?: string; fail?: boolean };
      if (event.token) tokens.push(event.token);
      res.end(event.fail ? '{"errorMessage": "nope", "errorType": "CustomError"}' : JSON.stringify({ got: event }));
    });
  });
  await new Promise<void>((r) => fn.listen(0, '127.0.0.1', r));
  fnUrl = `http://127.0.0.1:${(fn.address() as AddressInfo).port}/2015-03-31/functions/function/invocations`;
  const put = await fetch(`${h.url}/api/functions/worker`, { method: 'PUT', body: JSON.stringify({ endpoint: fnUrl }) });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => fn.close(() => r()));
});

const create = async (name: string, definition: object) =>
  (await h.sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }))).stateMachineArn!;
/** Waits until the service accepts a heartbeat for the token (it knows tokens once the call was submitted). */
const tokenReady = (taskToken: string) => waitFor(
  () => h.sfn.send(new SendTaskHeartbeatCommand({ taskToken })).then(() => true, () => false), (ok) => ok);
const finished = (arn: string) => waitFor(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: arn })), (d) => d.status !== 'RUNNING');

describe('lambda tasks', () => {
  it('invokes registered functions and maps function errors', async () => {
    const sm = await create('lambda-ok', {
      StartAt: 'Call', States: {
        Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:worker', Next: 'Invoke' },
        Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'worker', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true },
      },
    });
    const ok = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"v":1}' }));
    expect(await finished(ok.executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"got":{"got":{"v":1}}}' });
    const bad = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"fail":true}' }));
    expect(await finished(bad.executionArn!)).toMatchObject({ status: 'FAILED', error: 'CustomError', cause: '{"errorMessage": "nope", "errorType": "CustomError"}' });
    const missing = await create('lambda-missing', { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'ghost', End: true } } });
    const m = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: missing }));
    expect(await finished(m.executionArn!)).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });

  it('completes .waitForTaskToken tasks through SendTaskSuccess and SendTaskFailure', async () => {
    const sm = await create('callback', {
      StartAt: 'Wait', States: {
        Wait: {
          Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'worker', Payload: { 'token.$': '$$.Task.Token' } }, End: true,
        },
      },
    });
    const before = tokens.length;
    const a = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'cb-ok' }));
    await waitFor(async () => tokens.length, (n) => n > before);
    const token = tokens.at(-1)!;
    expect(await tokenReady(token)).toBe(true);
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"answer":42}' }));
    expect(await finished(a.executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"answer":42}' });
    // AWS: a token whose task is closed is TaskTimedOut ("Provided task does not exist anymore"), not InvalidToken.
    const again = await errorOf(h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })));
    expect([again.name, again.message]).toEqual(['TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"]);

    const b = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'cb-fail' }));
    await waitFor(async () => tokens.length, (n) => n > before + 1);
    const token2 = tokens.at(-1)!;
    expect(await tokenReady(token2)).toBe(true);
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: token2, error: 'Nope', cause: 'because' }));
    expect(await finished(b.executionArn!)).toMatchObject({ status: 'FAILED', error: 'Nope', cause: 'because' });
    expect((await errorOf(h.sfn.send(new SendTaskSuccessCommand({ taskToken: 'unknown', output: '{}' })))).name).toBe('InvalidToken');

    // The execution ends while its task waits: the token is dead for every SendTask*.
    const c = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'cb-stopped' }));
    await waitFor(async () => tokens.length, (n) => n > before + 2);
    const token3 = tokens.at(-1)!;
    expect(await tokenReady(token3)).toBe(true);
    await h.sfn.send(new StopExecutionCommand({ executionArn: c.executionArn! }));
    expect((await errorOf(h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token3 })))).name).toBe('TaskTimedOut');
    expect((await errorOf(h.sfn.send(new SendTaskFailureCommand({ taskToken: token3, error: 'late' })))).name).toBe('TaskTimedOut');
  });
});

describe('alias routing', () => {
  it('routes executions by weight with the injected random source', async () => {
    let next = 0;
    const svc = createService({ db: ':memory:', random: () => next });
    try {
      const pass = (r: string) => JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: r, End: true } } });
      const c = (await svc.call('CreateStateMachine', { name: 'routed', definition: pass('v1'), roleArn: ROLE, publish: true })) as { stateMachineArn: string };
      await svc.call('UpdateStateMachine', { stateMachineArn: c.stateMachineArn, definition: pass('v2'), publish: true });
      const { stateMachineAliasArn } = (await svc.call('CreateStateMachineAlias', {
        name: 'split', routingConfiguration: [{ stateMachineVersionArn: `${c.stateMachineArn}:1`, weight: 30 }, { stateMachineVersionArn: `${c.stateMachineArn}:2`, weight: 70 }],
      })) as { stateMachineAliasArn: string };
      const outputs: string[] = [];
      for (const r of [0, 0.29, 0.3, 0.99]) {
        next = r;
        const { executionArn } = (await svc.call('StartExecution', { stateMachineArn: stateMachineAliasArn })) as { executionArn: string };
        outputs.push((await svc.waitForExecution(executionArn)).output!);
        expect(await svc.call('DescribeExecution', { executionArn })).toMatchObject({ stateMachineAliasArn });
      }
      expect(outputs).toEqual(['"v1"', '"v1"', '"v2"', '"v2"']);
    } finally {
      await svc.close();
    }
  });
});

