/** Import through the real server: POST /api/import and `asl import`, all-or-nothing, idempotent re-import. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempServer } from '../child-servers.js';
import { main } from '../../src/cli/main.js';

const FIX = resolve(__dirname, '../fixtures/import');
const srv = tempServer('asl-import-');

const read = (rel: string) => ({ name: rel, content: readFileSync(join(FIX, rel), 'utf8') });

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${srv.get().url}/api/import`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function machineNames(): Promise<string[]> {
  const r = (await srv.get().service.call('ListStateMachines', {})) as { stateMachines: { name: string }[] };
  return r.stateMachines.map((m) => m.name).sort();
}

describe('POST /api/import', () => {
  it('validates without creating on a dry run', async () => {
    const r = await post({ files: [read('plain/wait-and-greet.asl.json')], dryRun: true });
    expect(r.status).toBe(200);
    expect(r.json.applied).toBe(false);
    expect(r.json.stateMachines.map((m: { name: string }) => m.name)).toEqual(['wait-and-greet']);
    expect(await machineNames()).toEqual([]);
  });

  it('creates every machine of a SAM template with its substitutions, then re-imports as unchanged', async () => {
    const files = [read('sam/template.yaml'), { ...read('sam/statemachine/stock_trader.asl.json'), name: 'sam/statemachine/stock_trader.asl.json' }];
    const first = await post({ files });
    expect(first.status).toBe(200);
    expect(first.json.applied).toBe(true);
    const created = first.json.stateMachines as { name: string; action: string; stateMachineArn: string; definition: string }[];
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((m) => m.action === 'created' && m.stateMachineArn.startsWith('arn:aws:states:'))).toBe(true);
    const d = (await srv.get().service.call('DescribeStateMachine', { stateMachineArn: created[0]!.stateMachineArn })) as { definition: string };
    expect(d.definition).not.toContain('${StockCheckerFunctionArn}');
    // A table has no local equivalent: it stays a placeholder and the report says so.
    expect(first.json.problems.some((p: { message: string }) => p.message.includes('TransactionTable'))).toBe(true);
    expect(d.definition).toContain('arn:aws:lambda:us-east-1:123456789012:function:');

    // The template's two schedule events (Schedule, disabled; ScheduleV2 with input) became real schedules.
    const schedules = (await (await fetch(`${srv.get().url}/api/schedules`)).json()) as { schedules: { name: string; enabled: boolean }[] };
    expect(schedules.schedules.map((x) => x.name).sort()).toEqual(['HourlyTradingSchedule', 'WeekdayOpen']);
    expect(schedules.schedules.every((x) => JSON.stringify(x).includes(created[0]!.stateMachineArn))).toBe(true);
    expect(schedules.schedules.find((x) => x.name === 'HourlyTradingSchedule')!.enabled).toBe(false);

    const again = await post({ files });
    expect(again.json.stateMachines.map((m: { action: string }) => m.action)).toEqual(created.map(() => 'unchanged'));
    const after = (await (await fetch(`${srv.get().url}/api/schedules`)).json()) as { schedules: unknown[] };
    expect(after.schedules.length).toBe(2); // re-import updates the schedule, never duplicates it
  });

  it('refuses a set with one invalid definition and creates nothing from it', async () => {
    const before = await machineNames();
    const r = await post({ files: [read('plain/hello-world.asl.yaml'), read('wrong/invalid.asl.json')] });
    expect(r.status).toBe(400);
    expect(r.json.applied).toBe(false);
    expect(r.json.problems.some((p: { severity: string; file: string }) => p.severity === 'ERROR' && p.file === 'wrong/invalid.asl.json')).toBe(true);
    expect(await machineNames()).toEqual(before);
  });

  it('answers an oversized body with 413 ValidationException', async () => {
    const res = await fetch(`${srv.get().url}/api/import`, { method: 'POST', body: 'x'.repeat(9 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('ValidationException');
  });

  it('answers malformed requests with 400 and a clear message', async () => {
    for (const body of ['nope', '{}', '{"files": []}', '{"files": [{"name": 1}]}', '{"files": [{"name": "a.json", "content": "{}"}], "map": [1]}']) {
      const res = await fetch(`${srv.get().url}/api/import`, { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/files|map|JSON/);
    }
  });
});

describe('asl import', () => {
  async function run(argv: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await main(argv, (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  }

  it('imports a folder through the running server and reports what it created', async () => {
    const r = await run(['import', join(FIX, 'plain'), '--endpoint', srv.get().url]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created: wait-and-greet arn:aws:states:/);
    expect(await machineNames()).toContain('hello-world');
  });

  it('exits 1 and creates nothing when a file is refused', async () => {
    const before = await machineNames();
    const r = await run(['import', join(FIX, 'wrong/invalid.asl.json'), '--endpoint', srv.get().url]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ERROR');
    expect(await machineNames()).toEqual(before);
  });

  it('rejects usage mistakes', async () => {
    expect((await run(['import'])).code).toBe(2);
    expect((await run(['import', FIX, '--map', 'nope'])).code).toBe(2);
  });
});
