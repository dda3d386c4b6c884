/** `asl run` against a real server on a real port: create-or-update, run, print or watch the result. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempServer } from '../child-servers.js';
import { main } from '../../src/cli/main.js';
import { machineNameFor } from '../../src/cli/run.js';

const srv = tempServer('asl-run-');
const dir = srv.dir;

function file(name: string, def: object): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(def));
  return p;
}

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

const greet = (greeting: string) => ({
  StartAt: 'Greet',
  States: { Greet: { Type: 'Pass', Parameters: { 'msg.$': `States.Format('${greeting}, {}!', $.who)` }, End: true } },
});

describe('asl run', () => {
  it('names the machine after the file', () => {
    expect(machineNameFor('/x/orders.asl.json')).toBe('orders');
    expect(machineNameFor('my flow.yaml')).toBe('my-flow');
  });

  it('creates the state machine, runs it and prints the output', async () => {
    const f = file('greet.asl.json', greet('Hello'));
    const r = await run(['run', f, '--input', '{"who":"Ada"}', '--endpoint', srv.get().url]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('status SUCCEEDED');
    expect(r.out).toContain('{"msg":"Hello, Ada!"}');
  });

  it('updates the state machine when the file changed', async () => {
    const f = file('greet.asl.json', greet('Goodbye'));
    const r = await run(['run', f, '--input', '{"who":"Ada"}', '--endpoint', srv.get().url]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('{"msg":"Goodbye, Ada!"}');
  });

  it('follows the run live with --watch and exits 1 on failure', async () => {
    const f = file('fail.asl.json', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 0, Next: 'F' }, F: { Type: 'Fail', Error: 'Boom', Cause: 'on purpose' } } });
    const r = await run(['run', f, '--watch', '--endpoint', srv.get().url]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Boom');
  });

  it('runs Express machines synchronously', async () => {
    const f = file('express.asl.json', greet('Hi'));
    const r = await run(['run', f, '--type', 'EXPRESS', '--name', 'greet-express', '--input', '{"who":"Bo"}', '--endpoint', srv.get().url]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('{"msg":"Hi, Bo!"}');
  });

  it('reports an invalid definition and bad usage clearly', async () => {
    const f = file('bad.asl.json', { StartAt: 'Nope', States: {} });
    const bad = await run(['run', f, '--endpoint', srv.get().url]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('InvalidDefinition');
    expect((await run(['run', f, '--input', 'not json'])).code).toBe(2);
    expect((await run(['run'])).code).toBe(2);
  });

  it('says when no server is reachable', async () => {
    const f = file('greet2.asl.json', greet('Yo'));
    const r = await run(['run', f, '--endpoint', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('cannot reach');
  });
});
