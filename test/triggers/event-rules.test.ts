/** Event rules over real HTTP: PutEvents, fan-out, input transformers, status-change chaining, durability. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, executions, machine, settle, tempDb, type Composed } from './compose.js';

const ECHO = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const DOUBLE = { StartAt: 'D', States: { D: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } };

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 5_000;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await settle(20);
  }
}

async function inputs(c: Composed, arn: string): Promise<unknown[]> {
  const list = await executions(c, arn);
  return Promise.all(list.map(async (e) => JSON.parse(((await c.service.call('DescribeExecution', { executionArn: e.executionArn })) as any).input)));
}

describe('event rules', () => {
  const t = tempDb();
  let c: Composed;
  let a: string;
  let b: string;
  beforeAll(async () => {
    c = await compose(t.db);
    a = await machine(c, 'a', ECHO);
    b = await machine(c, 'b', ECHO);
  });
  afterAll(async () => {
    await c.close();
    t.cleanup();
  });

  it('fans one event out to every matching target, with the whole event or a transformed input', async () => {
    const rule = await c.api('POST', '/api/rules', {
      name: 'big-orders',
      eventPattern: { source: ['shop'], 'detail-type': ['Order Placed'], detail: { total: [{ numeric: ['>=', 100] }], status: [{ 'anything-but': 'TEST' }] } },
      targets: [
        { id: 'whole', arn: a },
        { id: 'shaped', arn: b, inputTransformer: { inputPathsMap: { id: '$.detail.id', total: '$.detail.total' }, inputTemplate: '{"orderId": <id>, "summary": "order <id> costs <total>", "rule": "<aws.events.rule-name>"}' } },
      ],
    });
    expect(rule.status, JSON.stringify(rule.json)).toBe(201);
    expect(rule.json.arn).toBe('arn:aws:events:us-east-1:123456789012:rule/big-orders');

    const put = await c.api('POST', '/api/events', {
      entries: [
        { source: 'shop', 'detail-type': 'Order Placed', detail: { id: 'o-1', total: 150, status: 'NEW' } },
        { source: 'shop', 'detail-type': 'Order Placed', detail: { id: 'o-2', total: 50, status: 'NEW' } }, // too small
        { source: 'shop', 'detail-type': 'Order Placed', detail: { id: 'o-3', total: 500, status: 'TEST' } }, // excluded
        { 'detail-type': 'Order Placed', detail: {} }, // no source: fails alone
      ],
    });
    expect(put.status).toBe(200);
    expect(put.json.failedEntryCount).toBe(1);
    expect(put.json.entries[3]).toMatchObject({ errorCode: 'InvalidArgument' });
    expect(put.json.entries.slice(0, 3).every((e: any) => typeof e.eventId === 'string')).toBe(true);

    await c.triggers.idle();
    const [whole] = (await until(() => inputs(c, a), (v) => v.length >= 1)) as any[];
    expect(whole).toMatchObject({ version: '0', id: put.json.entries[0].eventId, source: 'shop', 'detail-type': 'Order Placed', account: '123456789012', region: 'us-east-1', detail: { id: 'o-1' } });
    expect(whole.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await until(() => inputs(c, b), (v) => v.length >= 1)).toEqual([{ orderId: 'o-1', summary: 'order o-1 costs 150', rule: 'big-orders' }]);
    expect(await executions(c, a)).toHaveLength(1);
  });

  it('turns execution status changes into aws.states events, so one workflow starts another', async () => {
    const first = await machine(c, 'first', DOUBLE);
    const second = await machine(c, 'second', ECHO);
    const r = await c.api('POST', '/api/rules', {
      name: 'chain',
      eventPattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['SUCCEEDED'], stateMachineArn: [first] } },
      targets: [{ id: 'next', arn: second, inputTransformer: { inputPathsMap: { out: '$.detail.output', name: '$.detail.name', status: '$.detail.status' }, inputTemplate: '{"from": <name>, "status": <status>, "output": <out>}' } }],
    });
    expect(r.status).toBe(201);
    const watched = await c.api('POST', '/api/rules', {
      name: 'watch-all', eventPattern: { source: ['aws.states'], detail: { stateMachineArn: [first] } }, targets: [{ id: 'log', arn: a, inputPath: '$.detail' }],
    });
    expect(watched.status).toBe(201);
    await c.service.call('StartExecution', { stateMachineArn: first, name: 'run-1', input: '{"n":21}' });
    const got = await until(() => inputs(c, second), (v) => v.length >= 1);
    // The output is a JSON string in the status event (as AWS sends it).
    expect(got).toEqual([{ from: 'run-1', status: 'SUCCEEDED', output: '{"doubled":42}' }]);
    const details = (await until(() => inputs(c, a), (v) => v.length >= 3)).filter((d: any) => d.stateMachineArn === first) as any[];
    expect(details.map((d) => d.status).sort()).toEqual(['RUNNING', 'SUCCEEDED']);
    const done = details.find((d) => d.status === 'SUCCEEDED');
    expect(done).toMatchObject({ executionArn: first.replace(':stateMachine:', ':execution:') + ':run-1', name: 'run-1', input: '{"n":21}', output: '{"doubled":42}' });
    expect(typeof done.startDate).toBe('number');
    expect(done.stopDate).toBeGreaterThanOrEqual(done.startDate);
    expect(details.find((d) => d.status === 'RUNNING')).toMatchObject({ stopDate: null, output: null });
  });

  it('stores a status-change event in the same commit as the status change (a crash cannot split them)', async () => {
    const quick = await machine(c, 'atomic', ECHO);
    const rule = await c.api('POST', '/api/rules', {
      name: 'atomic-watch', eventPattern: { source: ['aws.states'], detail: { stateMachineArn: [quick], status: ['SUCCEEDED'] } },
      targets: [{ id: 'log', arn: b, inputPath: '$.detail' }],
    });
    expect(rule.status).toBe(201);
    // A second hook runs after the delivery's, inside the same transaction: the bus row must already be there.
    const seen: number[] = [];
    const count = c.service.ctx.store.db.prepare(`SELECT count(*) AS n FROM bus_events
      WHERE json_extract(event, '$.detail.executionArn') = ? AND json_extract(event, '$.detail.status') = 'SUCCEEDED'`);
    c.service.ctx.runner.addCommitHook((arn, events) => {
      if (arn.endsWith(':atomic:once') && events.some((e) => e.type === 'ExecutionSucceeded')) {
        expect(c.service.ctx.store.db.inTransaction).toBe(true);
        seen.push((count.get(arn) as { n: number }).n);
      }
    });
    await c.service.call('StartExecution', { stateMachineArn: quick, name: 'once', input: '{}' });
    const got = await until(() => inputs(c, b), (v) => v.some((d: any) => d.name === 'once'));
    expect(got.filter((d: any) => d.name === 'once')).toHaveLength(1);
    expect(seen).toEqual([1]);
    expect((await c.api('DELETE', '/api/rules/atomic-watch')).status).toBeLessThan(300);
  });

  it('retries a delivery that failed for a passing reason (database full) until it succeeds, starting the target once', async () => {
    const target = await machine(c, 'retry-target', ECHO);
    expect((await c.api('POST', '/api/rules', { name: 'retry', eventPattern: { source: ['retry-src'] }, targets: [{ id: 't', arn: target }] })).status).toBe(201);
    const db = c.service.ctx.store.db;
    const big = 'x'.repeat(200_000); // the target's input (the whole event) needs pages the database may not add
    const put = c.triggers.putEvents({ entries: [{ source: 'retry-src', 'detail-type': 'Big', detail: { big } }] }) as { failedEntryCount: number };
    expect(put.failedEntryCount).toBe(0);
    // Delivery starts on a later turn: it finds the database full (SQLITE_FULL), a failure that passes.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    await settle(300);
    expect(await executions(c, target)).toEqual([]);
    const row = db.prepare("SELECT delivered_ms AS d FROM bus_events WHERE json_extract(event, '$.source') = 'retry-src'").get() as { d: number | null };
    expect(row.d).toBeNull(); // still pending: not recorded as failed for good
    db.pragma('max_page_count = 1073741823');
    const started = await until(() => executions(c, target), (v) => v.length > 0);
    await settle(1200); // no second start from a later retry
    expect((await executions(c, target)).length).toBe(1);
    expect(started[0]!.status).not.toBe('FAILED');
    expect((await c.api('DELETE', '/api/rules/retry')).status).toBeLessThan(300);
  });

  it('validates rules, lists, replaces, disables and deletes them', async () => {
    const bad = await c.api('POST', '/api/rules', { name: 'x', eventPattern: { source: 'shop' }, targets: [] });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'InvalidEventPatternException' });
    expect((await c.api('POST', '/api/rules', { name: 'x', eventPattern: { source: ['s'] }, targets: [{ id: 't', arn: `${a}-none` }] })).status).toBe(400);
    expect((await c.api('POST', '/api/rules', { name: 'x', eventPattern: { source: ['s'] }, targets: [{ id: 't', arn: a, inputTransformer: { inputPathsMap: { 'aws.x': '$.a' }, inputTemplate: '<aws.x>' } }] })).status).toBe(400);
    expect((await c.api('GET', '/api/rules/x')).status).toBe(404);
    expect((await c.api('POST', '/api/rules', { name: 'big-orders', eventPattern: { source: ['s'] } })).status).toBe(409);
    expect((await c.api('GET', '/api/rules')).json.rules.map((r: any) => r.name)).toEqual(['big-orders', 'chain', 'watch-all']);
    const off = await c.api('PUT', '/api/rules/big-orders', { eventPattern: { source: ['shop'] }, state: 'DISABLED', targets: [{ id: 'whole', arn: a }] });
    expect(off.json.state).toBe('DISABLED');
    const before = (await executions(c, a)).length;
    await c.api('POST', '/api/events', { entries: [{ source: 'shop', 'detail-type': 'Order Placed', detail: { total: 1000 } }] });
    await c.triggers.idle();
    await settle(50);
    expect(await executions(c, a)).toHaveLength(before);
    expect((await c.api('DELETE', '/api/rules/big-orders')).status).toBe(204);
    expect((await c.api('POST', '/api/events', { entries: Array.from({ length: 11 }, () => ({ source: 's', 'detail-type': 'd' })) })).status).toBe(400);
  });

  it('keeps accepted events across a restart and delivers them exactly once', async () => {
    const late = await machine(c, 'late', ECHO);
    await c.api('POST', '/api/rules', { name: 'late', eventPattern: { source: ['later'] }, targets: [{ id: 't', arn: late }] });
    // Delivery stopped (as if the process died right after committing the PutEvents).
    await c.triggers.close();
    c.triggers.putEvents({ entries: [{ source: 'later', 'detail-type': 'x', detail: { k: 1 } }] });
    await settle(50);
    expect(await executions(c, late)).toHaveLength(0);
    await c.close();
    c = await compose(t.db);
    await until(() => executions(c, late), (v) => v.length >= 1);
    await c.triggers.idle();
    // A redelivery of the same event (crash before it was marked delivered) starts nothing new.
    c.service.ctx.store.db.prepare('UPDATE bus_events SET delivered_ms = NULL').run();
    c.triggers.putEvents({ entries: [{ source: 'unrelated', 'detail-type': 'x' }] }); // wakes delivery
    await c.triggers.idle();
    await settle(50);
    expect(await executions(c, late)).toHaveLength(1);
  });
});
