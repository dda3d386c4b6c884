/** Execution operations through the real @aws-sdk/client-sfn: start, describe, list, history, stop, sync. */
import {
  CreateStateMachineCommand, DescribeExecutionCommand, DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand, ListExecutionsCommand, RedriveExecutionCommand, StartExecutionCommand,
  StartSyncExecutionCommand, StopExecutionCommand, UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, FAIL, PASS, ROLE, startHarness, WAIT, waitFor, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const create = async (name: string, definition = PASS, type: 'STANDARD' | 'EXPRESS' = 'STANDARD') =>
  (await h.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, type }))).stateMachineArn!;
const describeEx = (executionArn: string) => h.sfn.send(new DescribeExecutionCommand({ executionArn }));
const finished = (arn: string) => waitFor(() => describeEx(arn), (d) => d.status !== 'RUNNING');

const LOOP = JSON.stringify({
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Result: 0, ResultPath: '$.i', Next: 'Inc' },
    Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: 60, Next: 'Inc' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
});

describe('executions', () => {
  it('runs an execution and describes it as AWS does', async () => {
    const sm = await create('run');
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'e1', input: '{"a": 1}' }));
    expect(s.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:run:e1');
    const d = await finished(s.executionArn!);
    expect(d).toMatchObject({ status: 'SUCCEEDED', input: '{"a": 1}', output: '{"ok":true}', name: 'e1', stateMachineArn: sm,
      inputDetails: { included: true }, outputDetails: { included: true }, redriveStatus: 'NOT_REDRIVABLE' });
    expect(d.stopDate!.getTime()).toBeGreaterThanOrEqual(d.startDate!.getTime());
    const f = await h.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: s.executionArn }));
    expect(f).toMatchObject({ stateMachineArn: sm, name: 'run', definition: PASS, roleArn: ROLE });
    await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: sm, definition: FAIL }));
    expect((await h.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: s.executionArn }))).definition).toBe(PASS);
  });

  it('applies AWS name idempotency', async () => {
    const sm = await create('idem-ex', WAIT(30));
    const a = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'same', input: '{}' }));
    const b = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'same', input: '{}' }));
    expect(b.executionArn).toBe(a.executionArn);
    expect(b.startDate).toEqual(a.startDate);
    expect((await errorOf(h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'same', input: '{"x":1}' })))).name).toBe('ExecutionAlreadyExists');
    await h.sfn.send(new StopExecutionCommand({ executionArn: a.executionArn, error: 'E', cause: 'C' }));
    const d = await describeEx(a.executionArn!);
    expect(d).toMatchObject({ status: 'ABORTED', error: 'E', cause: 'C', redriveStatus: 'REDRIVABLE' });
    expect((await errorOf(h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'same', input: '{}' })))).message)
      .toBe(`Execution Already Exists: '${a.executionArn}'`);
    const hist = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: a.executionArn }));
    expect(hist.events!.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    // An ABORTED execution is redrivable (RedriveExecution itself is covered by test/api/redrive.test.ts).
    expect((await h.sfn.send(new RedriveExecutionCommand({ executionArn: a.executionArn }))).redriveDate).toBeInstanceOf(Date);
    await h.sfn.send(new StopExecutionCommand({ executionArn: a.executionArn }));
  });

  it('rejects bad input with AWS wording and starts nothing', async () => {
    const sm = await create('bad-input');
    const e1 = await errorOf(h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: 'not some json' })));
    expect(e1).toMatchObject({ name: 'InvalidExecutionInput', status: 400 });
    expect(e1.message).toBe("Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')'");
    const big = JSON.stringify({ s: 'x'.repeat(300 * 1024) });
    const e2 = await errorOf(h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: big })));
    expect(e2).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(e2.message).toBe("1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding");
    expect((await errorOf(h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'a b' })))).name).toBe('InvalidName');
    expect((await errorOf(h.sfn.send(new StartExecutionCommand({ stateMachineArn: `${sm}-missing` })))).name).toBe('StateMachineDoesNotExist');
    expect((await errorOf(describeEx(`${sm.replace('stateMachine', 'execution')}:nope`))).name).toBe('ExecutionDoesNotExist');
    expect((await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm }))).executions).toEqual([]);
  });

  it('lists executions newest first with a status filter and paging', async () => {
    const sm = await create('listing');
    const fail = await create('listing-fail', FAIL);
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push((await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: `n${i}` }))).executionArn!);
    for (const a of arns) await finished(a);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, maxResults: 2, nextToken }));
      seen.push(...page.executions!.map((e) => e.executionArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...arns].reverse());
    const f = (await h.sfn.send(new StartExecutionCommand({ stateMachineArn: fail }))).executionArn!;
    expect(await finished(f)).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'why' });
    expect((await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: 'FAILED' }))).executions).toEqual([]);
    expect((await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: fail, statusFilter: 'FAILED' }))).executions!.map((e) => e.executionArn)).toEqual([f]);
    const bad = await errorOf(h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: 'succeeded' as never })));
    expect(bad.message).toBe("1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]");
  });

  it('pages history forwards and backwards, with or without data', async () => {
    const sm = await create('hist', LOOP);
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    await finished(s.executionArn!);
    const all = [];
    let nextToken: string | undefined;
    do {
      const page = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 50, nextToken }));
      all.push(...page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all.length).toBe(246); // ExecutionStarted, Init (2), 60 × (Inc + Check) (240), Done (2), ExecutionSucceeded
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
    expect(all[0]!.timestamp).toBeInstanceOf(Date);
    expect(all.at(-1)!.type).toBe('ExecutionSucceeded');
    const rev = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 3, reverseOrder: true }));
    expect(rev.events!.map((e) => e.id)).toEqual([all.length, all.length - 1, all.length - 2]);
    const rev2 = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 3, reverseOrder: true, nextToken: rev.nextToken }));
    expect(rev2.events!.map((e) => e.id)).toEqual([all.length - 3, all.length - 4, all.length - 5]);
    const bare = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 1, includeExecutionData: false }));
    expect(bare.events![0]!.executionStartedEventDetails?.input).toBeUndefined();
    expect((await errorOf(h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, nextToken: 'garbage' })))).name).toBe('InvalidToken');
  });

  it('runs Express executions synchronously and keeps them out of the history APIs', async () => {
    const sm = await create('express', PASS, 'EXPRESS');
    const r = await h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: sm, input: '{}' }));
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}', input: '{}', stateMachineArn: sm,
      billingDetails: { billedMemoryUsedInMB: 64 } });
    expect(r.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:express:express:[^:]+:[0-9a-f-]+$/);
    const failing = await create('express-fail', FAIL, 'EXPRESS');
    expect(await h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: failing }))).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'why' });
    expect(await errorOf(describeEx(r.executionArn!))).toMatchObject({ name: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: express'" });
    expect((await errorOf(h.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm })))).name).toBe('StateMachineTypeNotSupported');
    const standard = await create('not-express');
    expect((await errorOf(h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard })))).name).toBe('StateMachineTypeNotSupported');
    const async = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    expect(async.executionArn).toContain(':express:express:');
  });

  it('starts executions through versions and aliases', async () => {
    const sm = (await h.sfn.send(new CreateStateMachineCommand({ name: 'via-ver', definition: PASS, roleArn: ROLE, publish: true }))).stateMachineArn!;
    await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: sm, definition: FAIL }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: `${sm}:1` }));
    expect(s.executionArn).toContain(':execution:via-ver:');
    expect(await finished(s.executionArn!)).toMatchObject({ status: 'SUCCEEDED', stateMachineVersionArn: `${sm}:1` });
    expect((await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${sm}:1` }))).executions!.map((e) => e.executionArn)).toEqual([s.executionArn]);
  });
});
