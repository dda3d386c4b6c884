/**
 * Durable queues over real HTTP: exactly-once hand-off under concurrency, redelivery then dead-lettering, DLQ
 * redrive, SQS-shaped batches with a batching window, deduplication ids, and 400s that store nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../src/runtime/clock.js';
import { putQueue, sendMessage } from '../../src/service/queues.js';
import { createService } from '../../src/service/service.js';
import { aws, composeQueues, createMachine, executionsOf, rest, until, type Composed } from './queues-compose.js';

const dir = mkdtempSync(join(tmpdir(), 'asl-queues-'));
let app: Composed;
beforeAll(async () => { app = await composeQueues(join(dir, 'db.sqlite')); });
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const WAIT1 = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } };
/** Fails for the marker body "poison", succeeds otherwise. */
const PICKY = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.Records[0].body', StringEquals: 'poison', Next: 'Boom' }], Default: 'Ok' },
    Boom: { Type: 'Fail', Error: 'Poison', Cause: 'poison message' },
    Ok: { Type: 'Succeed' },
  },
};

const queue = (name: string) => rest(app.url, 'GET', `/api/queues/${name}`).then((r) => r.json);
const drained = (q: { visible: number; inFlight: number }) => q.visible === 0 && q.inFlight === 0;

async function send(name: string, body: unknown, deduplicationId?: string) {
  const r = await rest(app.url, 'POST', `/api/queues/${name}/messages`, { body, ...(deduplicationId ? { deduplicationId } : {}) });
  expect(r.status).toBeLessThan(300);
  return r.json as { messageId: string; duplicate: boolean };
}

describe('queues', () => {
  it('hands each of 50 messages to exactly one execution with maximumConcurrency 4', async () => {
    const sm = await createMachine(app.url, 'recorder', PASS);
    expect((await rest(app.url, 'PUT', '/api/queues/orders', { maxReceiveCount: 3, visibilityTimeoutSeconds: 30 })).status).toBe(200);
    const m = await rest(app.url, 'POST', '/api/queues/orders/mappings', { stateMachineArn: sm, batchSize: 1, maximumConcurrency: 4 });
    expect(m.status).toBe(201);
    const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => send('orders', `order-${i}`)));
    await until(() => queue('orders'), drained);
    const runs = await until(() => executionsOf(app.url, sm), (l) => l.length >= 50 && l.every((e) => e.status === 'SUCCEEDED'));
    expect(runs).toHaveLength(50);
    const seen = runs.flatMap((r) => r.input.Records.map((rec) => rec.messageId));
    expect(new Set(seen).size).toBe(50);
    expect(seen.sort()).toEqual(sent.map((s) => s.messageId).sort());
    expect(runs.flatMap((r) => r.input.Records.map((rec) => rec.body)).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `order-${i}`).sort());
  });

  it('gives each message to exactly one of two mappings competing for a queue', async () => {
    const a = await createMachine(app.url, 'compete-a', PASS);
    const b = await createMachine(app.url, 'compete-b', PASS);
    await rest(app.url, 'PUT', '/api/queues/shared', {});
    await rest(app.url, 'POST', '/api/queues/shared/mappings', { stateMachineArn: a, batchSize: 3, maximumConcurrency: 3 });
    await rest(app.url, 'POST', '/api/queues/shared/mappings', { stateMachineArn: b, batchSize: 2, maximumConcurrency: 5 });
    const sent = await Promise.all(Array.from({ length: 60 }, (_, i) => send('shared', `s${i}`)));
    await until(() => queue('shared'), drained);
    const runs = [...await executionsOf(app.url, a), ...await executionsOf(app.url, b)];
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    const seen = runs.flatMap((r) => r.input.Records.map((x) => x.messageId));
    expect(seen).toHaveLength(60);
    expect(seen.sort()).toEqual(sent.map((x) => x.messageId).sort());
  });

  it('never runs more executions of a mapping at once than maximumConcurrency', async () => {
    const sm = await createMachine(app.url, 'slow', WAIT1);
    await rest(app.url, 'PUT', '/api/queues/slowq', {});
    for (let i = 0; i < 8; i++) await send('slowq', { n: i });
    await rest(app.url, 'POST', '/api/queues/slowq/mappings', { stateMachineArn: sm, maximumConcurrency: 4 });
    let peak = 0;
    await until(async () => {
      const q = await queue('slowq');
      peak = Math.max(peak, q.inFlight);
      return q;
    }, drained);
    expect(peak).toBe(4);
    const runs = await executionsOf(app.url, sm);
    expect(runs).toHaveLength(8);
    // At no start instant were more than four executions of the mapping running.
    for (const r of runs) {
      const overlapping = runs.filter((o) => o.startDate <= r.startDate && (o.stopDate ?? Infinity) > r.startDate);
      expect(overlapping.length).toBeLessThanOrEqual(4);
    }
    expect(runs.map((r) => JSON.parse(r.input.Records[0]!.body).n).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('redelivers a failing message up to maxReceiveCount, dead-letters it, and redrives it', async () => {
    const sm = await createMachine(app.url, 'picky', PICKY);
    await rest(app.url, 'PUT', '/api/queues/jobs', { maxReceiveCount: 2 });
    const map = (await rest(app.url, 'POST', '/api/queues/jobs/mappings', { stateMachineArn: sm })).json;
    const ok1 = await send('jobs', 'fine-1');
    const bad = await send('jobs', 'poison');
    await send('jobs', 'fine-2');
    const q = await until(() => queue('jobs'), (v) => drained(v) && v.dlq === 1);
    expect(q.deadLetterQueue).toBe('jobs-dlq');
    const runs = await executionsOf(app.url, sm);
    const poisoned = runs.filter((r) => r.input.Records[0]!.messageId === bad.messageId);
    expect(poisoned.map((r) => r.status)).toEqual(['FAILED', 'FAILED']);
    expect(poisoned.map((r) => r.input.Records[0]!.attributes['ApproximateReceiveCount']).sort()).toEqual(['1', '2']);
    expect(runs.filter((r) => r.input.Records[0]!.messageId === ok1.messageId).map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(runs).toHaveLength(4);

    const dlq = (await rest(app.url, 'GET', '/api/queues/jobs/dlq')).json;
    expect(dlq.queue).toBe('jobs-dlq');
    expect(dlq.messages).toEqual([expect.objectContaining({
      messageId: bad.messageId, body: 'poison', receiveCount: 2, sourceQueue: 'jobs', lastError: 'Poison', lastCause: 'poison message',
    })]);

    // Redrive to a fixed consumer: the message comes back (receive count reset) and is consumed once.
    expect((await rest(app.url, 'DELETE', `/api/queues/jobs/mappings/${map.uuid}`)).status).toBe(204);
    expect((await rest(app.url, 'POST', '/api/queues/jobs/dlq/redrive', {})).json).toEqual({ moved: 1 });
    expect(await queue('jobs')).toMatchObject({ visible: 1, inFlight: 0, dlq: 0 });
    const lenient = await createMachine(app.url, 'lenient', PASS);
    await rest(app.url, 'POST', '/api/queues/jobs/mappings', { stateMachineArn: lenient });
    await until(() => queue('jobs'), (v) => drained(v) && v.dlq === 0);
    const fixed = await until(() => executionsOf(app.url, lenient), (l) => l.length === 1 && l[0]!.status === 'SUCCEEDED');
    expect(fixed[0]!.input.Records[0]).toMatchObject({ messageId: bad.messageId, body: 'poison', attributes: { ApproximateReceiveCount: '1' } });
  });

  it('stops an execution that outlives the visibility timeout and redelivers its message', async () => {
    const sm = await createMachine(app.url, 'sleepy', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 30, End: true } } });
    await rest(app.url, 'PUT', '/api/queues/timed', { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    const msg = await send('timed', 'slow job');
    await rest(app.url, 'POST', '/api/queues/timed/mappings', { stateMachineArn: sm });
    await until(() => queue('timed'), (q) => drained(q) && q.dlq === 1);
    const runs = await executionsOf(app.url, sm);
    expect(runs.map((r) => [r.status, r.error])).toEqual([['ABORTED', 'Queue.VisibilityTimeout'], ['ABORTED', 'Queue.VisibilityTimeout']]);
    expect(runs.map((r) => r.input.Records[0]!.attributes['ApproximateReceiveCount']).sort()).toEqual(['1', '2']);
    expect((await rest(app.url, 'GET', '/api/queues/timed/dlq')).json.messages).toEqual([
      expect.objectContaining({ messageId: msg.messageId, lastError: 'Queue.VisibilityTimeout', receiveCount: 2 }),
    ]);
  });

  it('feeds Express state machines synchronously, dead-lettering their failures too', async () => {
    const sm = (await aws<{ stateMachineArn: string }>(app.url, 'CreateStateMachine', {
      name: 'picky-express', type: 'EXPRESS', roleArn: 'arn:aws:iam::123456789012:role/q', definition: JSON.stringify(PICKY),
    })).stateMachineArn;
    await rest(app.url, 'PUT', '/api/queues/fast', { maxReceiveCount: 1 });
    await send('fast', 'fine');
    const bad = await send('fast', 'poison');
    await rest(app.url, 'POST', '/api/queues/fast/mappings', { stateMachineArn: sm, maximumConcurrency: 2 });
    await until(() => queue('fast'), (q) => drained(q) && q.dlq === 1);
    expect((await rest(app.url, 'GET', '/api/queues/fast/dlq')).json.messages).toEqual([
      expect.objectContaining({ messageId: bad.messageId, lastError: 'Poison' }),
    ]);
  });

  it('batches up to batchSize SQS-shaped records, sending a partial batch once the window passes', async () => {
    const sm = await createMachine(app.url, 'batcher', PASS);
    await rest(app.url, 'PUT', '/api/queues/batched', {});
    const sent = [];
    for (let i = 0; i < 7; i++) sent.push({ ...(await send('batched', `m${i}`)), body: `m${i}` });
    await rest(app.url, 'POST', '/api/queues/batched/mappings', { stateMachineArn: sm, batchSize: 5, batchingWindowSeconds: 1 });
    await until(() => queue('batched'), drained);
    const runs = (await until(() => executionsOf(app.url, sm), (l) => l.length === 2 && l.every((e) => e.status === 'SUCCEEDED')))
      .sort((a, b) => a.startDate - b.startDate);
    expect(runs.map((r) => r.input.Records.map((x) => x.body))).toEqual([['m0', 'm1', 'm2', 'm3', 'm4'], ['m5', 'm6']]);
    const rec = runs[0]!.input.Records[0]!;
    expect(rec).toEqual({
      messageId: sent[0]!.messageId,
      receiptHandle: expect.any(String),
      body: 'm0',
      attributes: {
        ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d{13}$/), SenderId: '123456789012',
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update('m0').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:batched',
      awsRegion: 'us-east-1',
    });
    // The partial batch waited for the window, counted from its oldest message.
    const partial = runs[1]!;
    const oldest = Math.min(...partial.input.Records.map((x) => Number(x.attributes['SentTimestamp'])));
    expect(partial.startDate * 1000).toBeGreaterThanOrEqual(oldest + 1000 - 5);
    expect(runs[0]!.name).toMatch(/^batched-lease-\d+$/);
  });

  it('accepts a repeated deduplication id without enqueueing it again', async () => {
    await rest(app.url, 'PUT', '/api/queues/dedup', {});
    const a = await send('dedup', 'first', 'order-1');
    const again = await rest(app.url, 'POST', '/api/queues/dedup/messages', { body: 'second', deduplicationId: 'order-1' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ messageId: a.messageId, duplicate: true });
    await send('dedup', 'other', 'order-2');
    expect(await queue('dedup')).toMatchObject({ visible: 2, inFlight: 0 });
  });

  it('forgets deduplication ids after five minutes', async () => {
    const clock = fakeClock();
    const svc = createService({ db: ':memory:', clock });
    try {
      putQueue(svc.ctx, 'q', {});
      const first = sendMessage(svc.ctx, 'q', { body: 'x', deduplicationId: 'd' });
      clock.advance(4 * 60_000);
      expect(sendMessage(svc.ctx, 'q', { body: 'x', deduplicationId: 'd' })).toMatchObject({ duplicate: true, messageId: first.messageId });
      clock.advance(60_001);
      expect(sendMessage(svc.ctx, 'q', { body: 'x', deduplicationId: 'd' }).duplicate).toBe(false);
    } finally {
      await svc.close();
    }
  });

  it('answers bad requests with 400 and a clear message, storing nothing', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['PUT', '/api/queues/bad', { maxReceiveCount: 0 }, /maxReceiveCount.*1 to 1000/],
      ['PUT', '/api/queues/bad', { visibilityTimeoutSeconds: 'soon' }, /visibilityTimeoutSeconds/],
      ['PUT', '/api/queues/bad', { colour: 'red' }, /Unknown field.*colour/],
      ['PUT', '/api/queues/bad', '{not json', /not valid JSON/],
      ['PUT', '/api/queues/bad%20name', {}, /Invalid queue name/],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await rest(app.url, method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json.message).toMatch(message);
    }
    expect((await rest(app.url, 'GET', '/api/queues/bad')).status).toBe(404);
    await rest(app.url, 'PUT', '/api/queues/strict', {});
    const sm = await createMachine(app.url, 'strict-sm', PASS);
    for (const [body, message] of [
      [{}, /'body' is required/],
      [{ body: 'x', deduplicationId: '' }, /deduplicationId/],
    ] as const) {
      const r = await rest(app.url, 'POST', '/api/queues/strict/messages', body);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(message);
    }
    for (const [body, message] of [
      [{ stateMachineArn: sm, batchSize: 11 }, /batchSize.*1 to 10/],
      [{ stateMachineArn: sm, maximumConcurrency: 0 }, /maximumConcurrency/],
      [{ batchSize: 2 }, /stateMachineArn' is required/],
    ] as const) {
      const r = await rest(app.url, 'POST', '/api/queues/strict/mappings', body);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(message);
    }
    const missing = await rest(app.url, 'POST', '/api/queues/strict/mappings', { stateMachineArn: `${sm}-nope` });
    expect(missing.status).toBe(404);
    expect((await rest(app.url, 'POST', '/api/queues/nowhere/messages', { body: 'x' })).status).toBe(404);
    expect(await queue('strict')).toMatchObject({ visible: 0, mappings: [] });
    const list = (await rest(app.url, 'GET', '/api/queues')).json;
    expect(list.queues.map((q: { name: string }) => q.name)).toContain('strict-dlq');
    expect((await rest(app.url, 'PUT', '/api/queues/strict-dlq', {})).status).toBe(400);
  });
});
