/** The `asl` command line: validate in process, serve as a real child process on a real port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'asl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

describe('asl validate', () => {
  const good = file('good.asl.json', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }));
  const bad = file('bad.asl.json', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }));

  it('exits 0 and says OK for a valid definition', async () => {
    const r = await run(['validate', good]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${good}: OK`);
  });

  it('exits 1 and points at the fault for an invalid one', async () => {
    const r = await run(['validate', good, bad]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${bad}: FAIL`);
    expect(r.out).toContain('/States/A/Next');
  });

  it('prints the AWS diagnostics shape with --json', async () => {
    const r = await run(['validate', bad, '--json']);
    const report = JSON.parse(r.out);
    expect(report.result).toBe('FAIL');
    expect(report.diagnostics[0]).toMatchObject({
      severity: 'ERROR',
      code: 'MISSING_TRANSITION_TARGET',
      location: '/States/A/Next',
    });
  });

  it('reports an unreadable file and non-JSON without crashing', async () => {
    const r = await run(['validate', join(dir, 'missing.json'), file('text.json', 'not json')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FILE_NOT_READABLE');
    expect(r.out).toContain('INVALID_JSON_DESCRIPTION');
  });

  it('rejects usage mistakes with exit 2', async () => {
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', good, '--bogus', 'x'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['__proto__'])).code).toBe(2);
  });
});

describe('asl serve', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', join(dir, 'sub', 'asl.db')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    url = await new Promise<string>((resolveUrl, reject) => {
      let buf = '';
      child.stdout!.on('data', (c: Buffer) => {
        buf += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(buf);
        if (m) resolveUrl(m[1]!);
      });
      child.stderr!.on('data', (c: Buffer) => (buf += c.toString()));
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${buf}`)));
    });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('answers health checks once it says it is listening', async () => {
    const res = await fetch(`${url}/api/health`);
    expect(res.status).toBe(200);
  });

  it('validates a definition over HTTP in the ValidateStateMachineDefinition shape', async () => {
    const ok = await fetch(`${url}/api/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ result: 'OK', diagnostics: [] });

    const bad = await fetch(`${url}/api/validate`, { method: 'POST', body: '{}' });
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({
      result: 'FAIL',
      diagnostics: [{ code: 'SCHEMA_VALIDATION_FAILED', location: '/' }],
    });
  });

  it('loads the bundled samples on a default start', async () => {
    const res = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
      body: '{}',
    });
    const names = ((await res.json()) as { stateMachines: { name: string }[] }).stateMachines.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['hello-world-node', 'key-value-write']));
    const fns = (await (await fetch(`${url}/api/functions`)).json()) as { functions: { name: string }[] };
    expect(fns.functions.map((f) => f.name)).toEqual(expect.arrayContaining(['hello-node', 'writeKeyval']));
  });

  it('refuses a second service on the same database file with a one-line error, exit 1', async () => {
    const second = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--no-samples',
      '--db', join(dir, 'sub', 'asl.db')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    second.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => second.on('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/^asl serve: The database .*asl\.db is in use by another process/m);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
    expect((await fetch(`${url}/api/health`)).status).toBe(200); // the first one is unharmed
  });

  it('rejects usage mistakes before binding', async () => {
    expect((await run(['serve', '--port', '99999'])).code).toBe(2);
    expect((await run(['serve', '--durability', 'maybe'])).code).toBe(2);
  });
});
