/**
 * Eviction (src/runtime/wakeups.ts, residency.ts): a stored execution waiting on a timer beyond the horizon leaves
 * memory, held only by its row in the timers table, and comes back ahead of the timer, on an input, or after a
 * restart. The whole service on a fake clock and a SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openService } from '../../src/index.js';
import { fakeClock } from '../../src/runtime/clock.js';
import { EVICT_AFTER_MS } from '../../src/runtime/wakeups.js';
import { start } from '../../src/service/executions.js';
import { createService, type Service } from '../../src/service/service.js';

const T0 = Date.UTC(2030, 0, 1);
const dirs: string[] = [];
const services: Service[] = [];

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asl-evict-'));
  dirs.push(dir);
  return join(dir, 'db.sqlite');
}

function open(db: string, clock: ReturnType<typeof fakeClock>): Service {
  const svc = createService({ db, clock, functionCodeDir: `${db}-fv` });
  services.push(svc);
  return svc;
}

async function waiting(svc: Service, name: string, seconds: number): Promise<string> {
  const definition = JSON.stringify({
    StartAt: 'W', States: { W: { Type: 'Wait', Seconds: seconds, Next: 'P' }, P: { Type: 'Pass', Result: 'woke', End: true } },
  });
  const res = (await svc.call('CreateStateMachine', { name, definition, roleArn: 'arn:aws:iam::123456789012:role/r' })) as { stateMachineArn: string };
  return res.stateMachineArn;
}

async function startOne(svc: Service, stateMachineArn: string, name: string, input = '{}'): Promise<string> {
  return ((await svc.call('StartExecution', { stateMachineArn, name, input })) as { executionArn: string }).executionArn;
}

const status = async (svc: Service, executionArn: string) =>
  ((await svc.call('DescribeExecution', { executionArn })) as { status: string; stopDate?: number }).status;
const turns = () => new Promise((r) => setTimeout(r, 20));

async function history(svc: Service, executionArn: string) {
  return ((await svc.call('GetExecutionHistory', { executionArn })) as { events: { type: string; timestamp: number }[] }).events;
}

describe('eviction of executions waiting on distant timers', () => {
  it('leaves memory, comes back half a horizon ahead of its timer and ends on time; a near timer stays held', async () => {
    const clock = fakeClock(T0);
    const svc = open(dbFile(), clock);
    const hour = await startOne(svc, await waiting(svc, 'hour', 3600), 'a');
    const near = await startOne(svc, await waiting(svc, 'near', EVICT_AFTER_MS / 1000 - 1), 'b');
    expect(svc.ctx.runner.get(hour)).toBeUndefined();
    expect(svc.ctx.runner.get(near)).toMatchObject({ parked: true });
    expect(await status(svc, hour)).toBe('RUNNING');

    clock.advance(3600_000 - EVICT_AFTER_MS / 2 - 1);
    await turns();
    expect(await status(svc, near)).toBe('SUCCEEDED');
    expect(svc.ctx.runner.get(hour)).toBeUndefined();
    clock.advance(1);
    await turns();
    // The sweep brought it back, its timer armed in memory, its state still in the store until the timer fires.
    expect(svc.ctx.runner.get(hour)).toMatchObject({ parked: true, state: undefined });
    expect(await status(svc, hour)).toBe('RUNNING');
    clock.advance(EVICT_AFTER_MS / 2 - 1);
    await turns();
    expect(await status(svc, hour)).toBe('RUNNING');
    clock.advance(1);
    await turns();
    expect(await status(svc, hour)).toBe('SUCCEEDED');
    const events = await history(svc, hour);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    expect(events[2]!.timestamp).toBe(T0 + 3600_000);
    expect(svc.ctx.runner.get(hour)).toBeUndefined();
  });

  it('is reached by StopExecution, by a caller waiting for its result and by a repeated StartExecution', async () => {
    const clock = fakeClock(T0);
    const svc = open(dbFile(), clock);
    const sm = await waiting(svc, 'stopped', 3600);
    const arn = await startOne(svc, sm, 'x', '{"n":1}');
    expect(svc.ctx.runner.get(arn)).toBeUndefined();
    // Same name and input while it runs: the same execution, no second row; other input: ExecutionAlreadyExists.
    expect(await startOne(svc, sm, 'x', '{"n":1}')).toBe(arn);
    // ...which nobody awaits: the execution stays out of memory.
    expect(svc.ctx.runner.get(arn)).toBeUndefined();
    await expect(startOne(svc, sm, 'x', '{"n":2}')).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
    const done = svc.waitForExecution(arn);
    await svc.call('StopExecution', { executionArn: arn, error: 'Halt', cause: 'by the test' });
    expect(await done).toMatchObject({ status: 'ABORTED', error: 'Halt', cause: 'by the test', stopMs: T0 });
    const row = svc.ctx.store.executions.get(arn)!;
    expect(svc.ctx.store.executions.timers(row.id)).toEqual([]);
    const before = (await history(svc, arn)).map((e) => e.type);
    expect(before.at(-1)).toBe('ExecutionAborted');
    clock.advance(3600_000);
    await turns();
    expect((await history(svc, arn)).map((e) => e.type)).toEqual(before);
    const listed = (await svc.call('ListExecutions', { stateMachineArn: sm })) as { executions: unknown[] };
    expect(listed.executions).toHaveLength(1);
  });

  it('stays in the store across a restart until its timer is near; one that came due while down runs at once', async () => {
    const db = dbFile();
    const first = open(db, fakeClock(T0));
    const hour = await startOne(first, await waiting(first, 'hour', 3600), 'a');
    const twoMinutes = await startOne(first, await waiting(first, 'two', 120), 'b');
    const tenMinutes = await startOne(first, await waiting(first, 'ten', 600), 'c');
    await first.close();
    services.splice(0);

    // Back 5 minutes later.
    const clock = fakeClock(T0 + 300_000);
    const svc = open(db, clock);
    await turns();
    // The 2-minute Wait came due while the service was down: resumed on boot and run at once.
    expect(await status(svc, twoMinutes)).toBe('SUCCEEDED');
    // 10 minutes is 5 minutes away (beyond the horizon): left in the store, as is the hour.
    expect(svc.ctx.runner.get(tenMinutes)).toBeUndefined();
    expect(svc.ctx.runner.get(hour)).toBeUndefined();
    clock.advance(300_000);
    await turns();
    expect(await status(svc, tenMinutes)).toBe('SUCCEEDED');
    expect(await status(svc, hour)).toBe('RUNNING');
    clock.advance(3000_000);
    await turns();
    expect(await status(svc, hour)).toBe('SUCCEEDED');
    const exited = (await history(svc, hour)).find((e) => e.type === 'WaitStateExited');
    expect(exited?.timestamp).toBe(T0 + 3600_000);
  });

  it('evicts an execution with an execution timeout beside its Wait, and again once the Wait has fired', async () => {
    const clock = fakeClock(T0);
    const svc = open(dbFile(), clock);
    const definition = JSON.stringify({
      TimeoutSeconds: 86_400,
      StartAt: 'W1', States: { W1: { Type: 'Wait', Seconds: 3600, Next: 'W2' }, W2: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    const { stateMachineArn } = (await svc.call('CreateStateMachine', { name: 'timed', definition, roleArn: 'arn:aws:iam::123456789012:role/r' })) as { stateMachineArn: string };
    const arn = await startOne(svc, stateMachineArn, 't');
    const id = svc.ctx.store.executions.get(arn)!.id;
    expect(svc.ctx.store.executions.timers(id)).toHaveLength(2);
    expect(svc.ctx.runner.get(arn)).toBeUndefined();
    clock.advance(3600_000);
    await turns();
    // W1 fired; W2's timer and the timeout remain, both distant: out of memory again.
    expect((await history(svc, arn)).map((e) => e.type)).toContain('WaitStateExited');
    expect(svc.ctx.runner.get(arn)).toBeUndefined();
    clock.advance(3600_000);
    await turns();
    expect(await status(svc, arn)).toBe('SUCCEEDED');
    expect(svc.ctx.store.executions.timers(id)).toEqual([]);
  });

  it('retries, a second later, an execution the sweep could not resume, without holding it half-resumed', async () => {
    const clock = fakeClock(T0);
    const lines: string[] = [];
    const db = dbFile();
    const svc = createService({ db, clock, functionCodeDir: `${db}-fv`, log: (l) => void lines.push(l) });
    services.push(svc);
    const arn = await startOne(svc, await waiting(svc, 'broken', 3600), 'b');
    const id = svc.ctx.store.executions.get(arn)!.id;
    // A row that cannot be read back (its command is not JSON): resuming the execution throws.
    svc.ctx.store.db.prepare("INSERT INTO outbox (execution_id, task_id, command, started) VALUES (?, 'x', '{', 0)").run(id);
    clock.advance(3600_000 - EVICT_AFTER_MS / 2);
    await turns();
    expect(lines.some((l) => /cannot resume 1 waiting execution\(s\), retrying/.test(l))).toBe(true);
    expect(svc.ctx.runner.get(arn)).toBeUndefined();
    svc.ctx.store.db.prepare("DELETE FROM outbox WHERE execution_id = ? AND task_id = 'x'").run(id);
    clock.advance(1000);
    await turns();
    expect(svc.ctx.runner.get(arn)).toMatchObject({ parked: true });
    clock.advance(EVICT_AFTER_MS / 2);
    await turns();
    expect(await status(svc, arn)).toBe('SUCCEEDED');
  });

  it('resumes in chunks, across turns of the event loop, more executions than one sweep takes at once', async () => {
    const clock = fakeClock(T0);
    const svc = open(dbFile(), clock);
    const sm = await waiting(svc, 'many', 3600);
    const n = 1200;
    await Promise.all(Array.from({ length: n }, (_, i) => startOne(svc, sm, `e${i}`)));
    const running = () => (svc.ctx.store.db.prepare("SELECT count(*) AS n FROM executions WHERE status = 'RUNNING'").get() as { n: number }).n;
    expect(running()).toBe(n);
    expect(svc.ctx.runner.get(`${sm.replace(':stateMachine:', ':execution:')}:e0`)).toBeUndefined();
    clock.advance(3600_000);
    for (let i = 0; i < 200 && running() > 0; i++) await turns();
    expect(running()).toBe(0);
    const succeeded = (await svc.call('ListExecutions', { stateMachineArn: sm, statusFilter: 'SUCCEEDED', maxResults: 1000 })) as { executions: unknown[]; nextToken?: string };
    expect(succeeded.executions).toHaveLength(1000);
    expect(succeeded.nextToken).toBeDefined();
  });

  it('answers FAILED to a repeated StartExecution whose first start fails to commit (it has no row to read)', async () => {
    const svc = open(dbFile(), fakeClock(T0));
    const sm = await waiting(svc, 'full', 3600);
    const db = svc.ctx.store.db;
    // A real SQLite failure: no page may be added any more (SQLITE_FULL), for a start with a large input.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const input = JSON.stringify({ big: 'x'.repeat(100_000) });
    const first = start(svc.ctx, { stateMachineArn: sm, name: 'same', input }, false);
    const repeated = await start(svc.ctx, { stateMachineArn: sm, name: 'same', input }, false);
    await expect(first).rejects.toThrow(/full/);
    expect(await repeated.done).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringMatching(/could not be stored/) });
    db.pragma('max_page_count = 1073741823');
  });

  it("reaches an evicted execution through the library API's done", async () => {
    const db = dbFile();
    const svc = await openService({ db });
    try {
      const { stateMachineArn } = await svc.createStateMachine({
        name: 'lib', definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } },
      });
      const started = await svc.startExecution({ stateMachineArn });
      const done = started.done;
      await svc.call('StopExecution', { executionArn: started.executionArn });
      expect(await done).toMatchObject({ status: 'ABORTED' });
    } finally {
      await svc.close();
    }
  });
});
