/**
 * Restarts mid-schedule: the service and triggers are closed and reopened on the same database file (same fake
 * clock). No fire is ever started twice, fires missed while down follow the missed-fire policy, and a fire
 * decided but not confirmed before a "crash" is settled under its deterministic name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../../src/runtime/clock.js';
import { compose, executions, machine, PASS, settle, tempDb, type Composed } from './compose.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 30);
const AT = (min: number) => Date.UTC(2026, 0, 1, 0, min, 0);

describe('schedules across restarts', () => {
  const t = tempDb();
  let c: Composed | undefined;
  afterEach(async () => {
    await c?.close();
    t.cleanup();
  });

  it('never fires twice and applies SKIP / RUN_ONCE to fires missed while down', async () => {
    const clock = fakeClock(T0);
    const advance = async (ms: number) => {
      clock.advance(ms);
      await settle(60);
    };
    c = await compose(t.db, clock);
    const once = await machine(c, 'once', PASS);
    const skip = await machine(c, 'skip', PASS);
    await c.api('POST', '/api/schedules', { name: 'run-once', expression: 'cron(* * * * ? *)', stateMachineArn: once, missedFirePolicy: 'RUN_ONCE' });
    await c.api('POST', '/api/schedules', { name: 'skip-missed', expression: 'cron(* * * * ? *)', stateMachineArn: skip, missedFirePolicy: 'SKIP' });
    await advance(30_000); // 00:01:00
    expect(await executions(c, once)).toHaveLength(1);
    expect(await executions(c, skip)).toHaveLength(1);

    // Restart at once: nothing new.
    await c.close();
    c = await compose(t.db, clock);
    await c.triggers.ready;
    await settle(60);
    expect(await executions(c, once)).toHaveLength(1);
    expect(await executions(c, skip)).toHaveLength(1);

    // Down from 00:01:10 to 00:05:40: four fires missed (00:02..00:05).
    await c.close();
    c = undefined;
    clock.advance(280_000);
    c = await compose(t.db, clock);
    await c.triggers.ready;
    await settle(60);
    expect((await executions(c, once)).map((e) => e.name).sort()).toEqual(['run-once-20260101T000100Z', 'run-once-20260101T000500Z']);
    expect(await executions(c, skip)).toHaveLength(1);
    expect((await c.api('GET', '/api/schedules/skip-missed')).json.nextFireAt).toBe('2026-01-01T00:06:00.000Z');

    await advance(20_000); // 00:06:00 fires normally again
    expect(await executions(c, once)).toHaveLength(3);
    expect(await executions(c, skip)).toHaveLength(2);

    // A crash after the decision and after the start, before the confirmation: the fire is retried under the
    // same name and recognised as started (ExecutionAlreadyExists), not run again.
    const db = c.service.ctx.store.db;
    db.prepare('UPDATE schedules SET pending_fire_ms = ? WHERE name = ?').run(AT(6), 'run-once');
    // A crash after the decision, before the start: the fire is started on restart.
    db.prepare('UPDATE schedules SET cursor_ms = ?, pending_fire_ms = ? WHERE name = ?').run(AT(7), AT(7), 'skip-missed');
    await c.close();
    c = await compose(t.db, clock);
    await c.triggers.ready;
    await settle(60);
    expect(await executions(c, once)).toHaveLength(3);
    expect((await executions(c, skip)).map((e) => e.name)).toContain('skip-missed-20260101T000700Z');
    expect(await executions(c, skip)).toHaveLength(3);
    const view = (await c.api('GET', '/api/schedules/skip-missed')).json;
    expect(view.lastFiredAt).toBe('2026-01-01T00:07:00.000Z');

    // 00:07:00 was decided already (cursor), so reaching it fires nothing new for skip-missed.
    await advance(60_000);
    expect(await executions(c, skip)).toHaveLength(3);
    expect(await executions(c, once)).toHaveLength(4);
  });
});
