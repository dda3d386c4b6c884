/** Schedules over real HTTP with the real node-cron and an injected (fake) clock. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../../src/runtime/clock.js';
import { compose, executions, machine, PASS, settle, tempDb, WAIT, type Composed } from './compose.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 30); // 00:00:30Z

describe('schedules', () => {
  let clock: ReturnType<typeof fakeClock>;
  let c: Composed;
  let cleanup: () => void;

  beforeEach(async () => {
    clock = fakeClock(T0);
    const t = tempDb();
    cleanup = t.cleanup;
    c = await compose(t.db, clock);
  });
  afterEach(async () => {
    await c.close();
    cleanup();
  });

  /** Moves the fake clock in 10 s steps, letting each step's work settle. */
  async function advance(ms: number): Promise<void> {
    for (let done = 0; done < ms; done += 10_000) {
      clock.advance(Math.min(10_000, ms - done));
      await settle(30);
    }
  }

  it('fires at the cron times, with deterministic names, and honours overlap SKIP vs ALLOW and disabled', async () => {
    const slow = await machine(c, 'slow', WAIT(90));
    const slow2 = await machine(c, 'slow2', WAIT(90));
    const quick = await machine(c, 'quick', PASS);
    const skip = await c.api('POST', '/api/schedules', {
      name: 'every-minute-skip', expression: 'cron(* * * * ? *)', stateMachineArn: slow, overlapPolicy: 'SKIP', input: { a: 1 },
    });
    expect(skip.status).toBe(201);
    expect(skip.json).toMatchObject({ enabled: true, overlapPolicy: 'SKIP', nextFireAt: '2026-01-01T00:01:00.000Z', lastFiredAt: null });
    await c.api('POST', '/api/schedules', { name: 'every-minute-allow', expression: '* * * * *', stateMachineArn: slow2, overlapPolicy: 'ALLOW' });
    await c.api('POST', '/api/schedules', { name: 'off', expression: 'rate(1 minute)', stateMachineArn: quick, enabled: false });

    await advance(30_000); // 00:01:00
    expect((await executions(c, slow)).map((e) => e.name)).toEqual(['every-minute-skip-20260101T000100Z']);
    const first = await c.api('GET', '/api/schedules/every-minute-skip');
    expect(first.json).toMatchObject({ lastFiredAt: '2026-01-01T00:01:00.000Z', nextFireAt: '2026-01-01T00:02:00.000Z' });
    expect(first.json.lastExecutionArn).toContain(':execution:slow:every-minute-skip-20260101T000100Z');
    expect((await c.service.call('DescribeExecution', { executionArn: first.json.lastExecutionArn }) as any).input).toBe('{"a":1}');

    await advance(60_000); // 00:02:00 — the 00:01 run waits until 00:02:30
    expect(await executions(c, slow)).toHaveLength(1);
    expect(await executions(c, slow2)).toHaveLength(2);

    await advance(60_000); // 00:03:00 — the 00:01 run has finished
    expect((await executions(c, slow)).map((e) => e.name).sort()).toEqual(['every-minute-skip-20260101T000100Z', 'every-minute-skip-20260101T000300Z']);
    expect(await executions(c, slow2)).toHaveLength(3);
    expect(await executions(c, quick)).toHaveLength(0);

    // Enabling starts afresh: fires owed while disabled are not run.
    const on = await c.api('PUT', '/api/schedules/off', { expression: 'rate(1 minute)', stateMachineArn: quick, enabled: true });
    expect(on.status).toBe(200);
    expect(on.json.nextFireAt).toBe('2026-01-01T00:03:30.000Z'); // rate periods count from creation (00:00:30)
    await advance(60_000);
    expect(await executions(c, quick)).toHaveLength(1);

    // Deleting stops it.
    expect((await c.api('DELETE', '/api/schedules/every-minute-allow')).status).toBe(204);
    await advance(60_000);
    expect(await executions(c, slow2)).toHaveLength(4); // 00:01..00:04, nothing at 00:05
    expect((await c.api('GET', '/api/schedules')).json.schedules.map((s: any) => s.name)).toEqual(['every-minute-skip', 'off']);
  });

  it('computes AWS cron, 5-field cron with a time zone, and rate fire times', async () => {
    const quick = await machine(c, 'quick', PASS);
    const aws = await c.api('POST', '/api/schedules', { name: 'fridays', expression: 'cron(15 10 ? * 6 *)', stateMachineArn: quick });
    expect(aws.json.nextFireAt).toBe('2026-01-02T10:15:00.000Z'); // AWS day-of-week 6 = Friday
    const ny = await c.api('POST', '/api/schedules', { name: 'ny', expression: '0 9 * * 1-5', timezone: 'America/New_York', stateMachineArn: quick });
    expect(ny.json.nextFireAt).toBe('2026-01-01T14:00:00.000Z');
    const rate = await c.api('POST', '/api/schedules', { name: 'r', expression: 'rate(5 minutes)', stateMachineArn: `${quick}` });
    expect(rate.json.nextFireAt).toBe('2026-01-01T00:05:30.000Z');
    const lastDay = await c.api('POST', '/api/schedules', { name: 'eom', expression: 'cron(0 12 L * ? 2026)', stateMachineArn: quick });
    expect(lastDay.json.nextFireAt).toBe('2026-01-31T12:00:00.000Z');
  });

  it('rejects invalid schedules with 400 and stores nothing', async () => {
    const quick = await machine(c, 'quick', PASS);
    const cases: [unknown, RegExp][] = [
      [{ name: 'a', expression: 'cron(0 12 * * * *)', stateMachineArn: quick }, /exactly one of day-of-month and day-of-week/],
      [{ name: 'a', expression: 'cron(61 * ? * * *)', stateMachineArn: quick }, /minute/],
      [{ name: 'a', expression: 'rate(1 minutes)', stateMachineArn: quick }, /singular/],
      [{ name: 'a', expression: 'every day', stateMachineArn: quick }, /expected cron/],
      [{ name: 'a', expression: '* * * * *', timezone: 'Mars/Olympus', stateMachineArn: quick }, /time zone/],
      [{ name: 'a', expression: '* * * * *', stateMachineArn: `${quick}-missing` }, /Does Not Exist/],
      [{ name: 'a', expression: '* * * * *', stateMachineArn: quick, overlapPolicy: 'QUEUE' }, /overlapPolicy/],
      [{ name: 'a', expression: '* * * * *', stateMachineArn: quick, input: '{not json' }, /input must be JSON/],
      [{ name: 'bad name!', expression: '* * * * *', stateMachineArn: quick }, /name/],
    ];
    for (const [body, message] of cases) {
      const r = await c.api('POST', '/api/schedules', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.message).toMatch(message);
    }
    expect((await c.api('GET', '/api/schedules')).json.schedules).toEqual([]);
    expect((await c.api('GET', '/api/schedules/a')).status).toBe(404);
    await c.api('POST', '/api/schedules', { name: 'a', expression: '* * * * *', stateMachineArn: quick });
    expect((await c.api('POST', '/api/schedules', { name: 'a', expression: '* * * * *', stateMachineArn: quick })).status).toBe(409);
  });

  it('accepts version and alias ARNs as targets', async () => {
    const quick = await machine(c, 'quick', PASS);
    const v = (await c.service.call('PublishStateMachineVersion', { stateMachineArn: quick })) as { stateMachineVersionArn: string };
    const r = await c.api('POST', '/api/schedules', { name: 'v', expression: 'cron(* * * * ? *)', target: { arn: v.stateMachineVersionArn, input: '{"x":1}' } });
    expect(r.status).toBe(201);
    await advance(30_000);
    const [e] = await executions(c, quick);
    expect((await c.service.call('DescribeExecution', { executionArn: e!.executionArn }) as any).stateMachineVersionArn).toBe(v.stateMachineVersionArn);
  });

  it('treats a clock jump while running as missed fires (RUN_ONCE runs the latest, SKIP none)', async () => {
    const a = await machine(c, 'a', PASS);
    const b = await machine(c, 'b', PASS);
    await c.api('POST', '/api/schedules', { name: 'once', expression: 'cron(* * * * ? *)', stateMachineArn: a, missedFirePolicy: 'RUN_ONCE' });
    await c.api('POST', '/api/schedules', { name: 'skip', expression: 'cron(* * * * ? *)', stateMachineArn: b });
    clock.advance(10 * 60_000); // 00:10:30 at once: ten fires due
    await settle(50);
    expect((await executions(c, a)).map((e) => e.name)).toEqual(['once-20260101T001000Z']);
    expect(await executions(c, b)).toHaveLength(0);
    await advance(30_000);
    expect(await executions(c, a)).toHaveLength(2);
    expect((await executions(c, b)).map((e) => e.name)).toEqual(['skip-20260101T001100Z']);
  });
});
