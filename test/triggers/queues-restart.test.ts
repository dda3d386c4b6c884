/**
 * Nothing is lost across a crash: a real child process is killed with SIGKILL while executions hold leases,
 * restarted on the same database, and every message still ends in exactly one SUCCEEDED execution. Also the
 * narrow window between a lease's commit and its StartExecution: the restart starts exactly that execution.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { childServers } from '../child-servers.js';
import { putQueue, createMapping, queuesOf, sendMessage, md5 } from '../../src/service/queues.js';
import { createService } from '../../src/service/service.js';
import { leaseExecutionName, sqsEvent } from '../../src/triggers/queue-records.js';
import { composeQueues, createMachine, executionsOf, rest, until } from './queues-compose.js';

const { dir, serve } = childServers('test/triggers/queues-child.ts', 'asl-queues-restart-');

const WAIT2 = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 2, End: true } } };

it('loses no message and runs none twice across kill -9 and a restart', async () => {
  const db = join(dir, 'crash.sqlite');
  const first = await serve(db);
  const sm = await createMachine(first.url, 'crashy', WAIT2);
  await rest(first.url, 'PUT', '/api/queues/work', { visibilityTimeoutSeconds: 120 });
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push((await rest(first.url, 'POST', '/api/queues/work/messages', { body: `w${i}` })).json.messageId);
  await rest(first.url, 'POST', '/api/queues/work/mappings', { stateMachineArn: sm, batchSize: 2, maximumConcurrency: 3 });
  // Kill while three leases are in flight (their executions parked in the Wait state).
  await until(() => rest(first.url, 'GET', '/api/queues/work').then((r) => r.json), (q) => q.inFlight === 6);
  first.proc.kill('SIGKILL');
  await new Promise((r) => first.proc.once('exit', r));

  const second = await serve(db);
  await until(() => rest(second.url, 'GET', '/api/queues/work').then((r) => r.json), (q) => q.visible === 0 && q.inFlight === 0, 25_000);
  const runs = await executionsOf(second.url, sm);
  expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
  expect(runs).toHaveLength(6);
  const seen = runs.flatMap((r) => r.input.Records.map((x) => x.messageId));
  expect(seen.sort()).toEqual([...ids].sort());
  expect(runs.every((r) => r.input.Records.every((x) => x.attributes['ApproximateReceiveCount'] === '1'))).toBe(true);
  second.proc.kill('SIGTERM');
}, 40_000);

it('starts the leased execution under its lease name after a crash between lease and start', async () => {
  const db = join(dir, 'window.sqlite');
  // A first life that leases but dies before StartExecution (no pollers: the lease is taken by hand).
  const svc = createService({ db });
  const ctx = svc.ctx;
  const sm = ((await svc.call('CreateStateMachine', {
    name: 'window', roleArn: 'arn:aws:iam::123456789012:role/q', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
  })) as { stateMachineArn: string }).stateMachineArn;
  putQueue(ctx, 'inbox', { visibilityTimeoutSeconds: 300 });
  const sent = sendMessage(ctx, 'inbox', { body: 'hello' });
  const mapping = createMapping(ctx, 'inbox', { stateMachineArn: sm, enabled: false });
  const repo = queuesOf(ctx);
  const now = ctx.clock.now();
  const lease = repo.lease(repo.mapping(mapping.uuid)!, now, 1, now + 300_000, (id, ms) => ({
    name: leaseExecutionName('inbox', id), input: sqsEvent(ctx.scope, 'inbox', id, ms, md5),
  }))!;
  await svc.close();

  const app = await composeQueues(db);
  try {
    await until(() => rest(app.url, 'GET', '/api/queues/inbox').then((r) => r.json), (q) => q.visible === 0 && q.inFlight === 0);
    const runs = await until(() => executionsOf(app.url, sm), (l) => l.length === 1 && l[0]!.status === 'SUCCEEDED');
    expect(runs[0]!.name).toBe(lease.executionName);
    expect(runs[0]!.input.Records.map((r) => r.messageId)).toEqual([sent.messageId]);
  } finally {
    await app.close();
  }
});

it('redelivers a lease that expired before its execution started', async () => {
  const db = join(dir, 'expired.sqlite');
  const svc = createService({ db });
  const ctx = svc.ctx;
  const sm = ((await svc.call('CreateStateMachine', {
    name: 'expired', roleArn: 'arn:aws:iam::123456789012:role/q', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
  })) as { stateMachineArn: string }).stateMachineArn;
  putQueue(ctx, 'late', { visibilityTimeoutSeconds: 1 });
  const sent = sendMessage(ctx, 'late', { body: 'hello' });
  const mapping = createMapping(ctx, 'late', { stateMachineArn: sm });
  const repo = queuesOf(ctx);
  const now = ctx.clock.now();
  const stale = repo.lease(repo.mapping(mapping.uuid)!, now, 1, now - 1000, (id, ms) => ({
    name: leaseExecutionName('late', id), input: sqsEvent(ctx.scope, 'late', id, ms, md5),
  }))!;
  await svc.close();

  const app = await composeQueues(db);
  try {
    await until(() => rest(app.url, 'GET', '/api/queues/late').then((r) => r.json), (q) => q.visible === 0 && q.inFlight === 0);
    const runs = await until(() => executionsOf(app.url, sm), (l) => l.length === 1 && l[0]!.status === 'SUCCEEDED');
    // The stale lease never started; the message went out again as its second receive under a new lease.
    expect(runs[0]!.name).not.toBe(stale.executionName);
    expect(runs[0]!.input.Records[0]).toMatchObject({ messageId: sent.messageId, attributes: { ApproximateReceiveCount: '2' } });
  } finally {
    await app.close();
  }
});
