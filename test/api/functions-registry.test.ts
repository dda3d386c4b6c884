/**
 * The function registry end to end: path-based functions run by the REAL built-in host (injected as the
 * service's FunctionRuntime), revisions on code change with in-flight calls finishing on the old code, published
 * versions and aliases behind qualified ARNs, and bad registrations refused with nothing stored.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, rest, waitFor, type Composed } from '../dispatch/compose.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';
let h: Composed;
let code: string;

/** A Node handler that answers `{ v, event }` after `delayMs`. */
function writeHandler(dir: string, v: number, delayMs = 0): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.mjs'),
    `export const handler = async (event) => { await new Promise((r) => setTimeout(r, ${delayMs})); return { v: ${v}, event }; };\n`);
}

beforeAll(async () => {
  h = await compose();
  code = mkdtempSync(join(tmpdir(), 'asl-code-'));
});
afterAll(async () => {
  await h.close();
  rmSync(code, { recursive: true, force: true });
});

const create = async (name: string, definition: object) =>
  (await h.sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }))).stateMachineArn!;
const finished = (arn: string) => waitFor(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: arn })), (d) => d.status !== 'RUNNING', 30_000);
const invoke = (fn: string) => ({
  StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn, 'Payload.$': '$' }, End: true } },
});
const run = async (sm: string, input = '{}') => {
  const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input }));
  return finished(executionArn!);
};

describe('path-based functions on the built-in host', () => {
  it('registers a code folder and runs it, reporting ExecutedVersion $LATEST', async () => {
    const dir = join(code, 'hello');
    writeHandler(dir, 1);
    const put = await rest(h.url, 'PUT', '/api/functions/hello', { path: dir, runtime: 'nodejs', handler: 'index.handler', timeout: 10 });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: 'hello', path: dir, runtime: 'nodejs', handler: 'index.handler', timeout: 10, revision: 1, version: '$LATEST' });
    expect(typeof put.json['codeSha256']).toBe('string');
    const sm = await create('hello-sm', invoke('hello'));
    const d = await run(sm, '{"n":1}');
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!) as { ExecutedVersion: string; Payload: unknown; StatusCode: number };
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.Payload).toEqual({ v: 1, event: { n: 1 } });
    // The same config and code again is not a new revision.
    const again = await rest(h.url, 'PUT', '/api/functions/hello', { path: dir, runtime: 'nodejs', handler: 'index.handler', timeout: 10 });
    expect(again.json['revision']).toBe(1);
    expect(again.json['codeSha256']).toBe(put.json['codeSha256']);
  });

  it('a code change is a new revision; the call in flight finishes on the old code', async () => {
    const dir = join(code, 'roll');
    writeHandler(dir, 1, 1500);
    expect((await rest(h.url, 'PUT', '/api/functions/roll', { path: dir })).json['revision']).toBe(1);
    const sm = await create('roll-sm', invoke('roll'));
    const old = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"who":"old"}' }));
    // Wait until the old call is running inside the host.
    await waitFor(() => h.sfn.send(new GetExecutionHistoryCommand({ executionArn: old.executionArn! })),
      (r) => (r.events ?? []).some((e) => e.type === 'TaskStarted'));
    // Rewritten at once, while the old environment may still be starting: it runs the snapshot taken at PUT.
    writeHandler(dir, 2, 0);
    const put = await rest(h.url, 'PUT', '/api/functions/roll', { path: dir });
    expect(put.json['revision']).toBe(2);
    const fresh = await run(sm, '{"who":"new"}');
    expect(JSON.parse(fresh.output!).Payload).toEqual({ v: 2, event: { who: 'new' } });
    const done = await finished(old.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).Payload).toEqual({ v: 1, event: { who: 'old' } });
    // A configuration change alone is a new revision too.
    expect((await rest(h.url, 'PUT', '/api/functions/roll', { path: dir, timeout: 5 })).json['revision']).toBe(3);
  });

  it('publishes versions (code snapshots) and resolves qualified ARNs and aliases', async () => {
    const dir = join(code, 'pub');
    writeHandler(dir, 1);
    await rest(h.url, 'PUT', '/api/functions/pub', { path: dir });
    const v1 = await rest(h.url, 'POST', '/api/functions/pub/versions');
    expect(v1.status).toBe(201);
    expect(v1.json['version']).toBe('1');
    // Publishing again without a change returns the same version.
    expect((await rest(h.url, 'POST', '/api/functions/pub/versions')).json['version']).toBe('1');
    expect((await rest(h.url, 'PUT', '/api/functions/pub/aliases/live', { version: '1' })).status).toBe(200);
    writeHandler(dir, 2);
    await rest(h.url, 'PUT', '/api/functions/pub', { path: dir });

    const latest = await run(await create('pub-latest', invoke('pub')));
    expect(JSON.parse(latest.output!)).toMatchObject({ ExecutedVersion: '$LATEST', Payload: { v: 2 } });
    const one = await run(await create('pub-1', invoke('arn:aws:lambda:us-east-1:123456789012:function:pub:1')));
    expect(JSON.parse(one.output!)).toMatchObject({ ExecutedVersion: '1', Payload: { v: 1 } });
    const alias = await run(await create('pub-live', invoke('pub:live')));
    expect(JSON.parse(alias.output!)).toMatchObject({ ExecutedVersion: '1', Payload: { v: 1 } });
    const legacy = await run(await create('pub-legacy', {
      StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:pub:live', End: true } },
    }));
    expect(JSON.parse(legacy.output!)).toMatchObject({ v: 1 });
    const missing = await run(await create('pub-9', invoke('pub:9')));
    expect(missing).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
    expect(missing.cause).toContain('Function not found: arn:aws:lambda:us-east-1:123456789012:function:pub:9');

    // Code is snapshotted by content: $LATEST (v2 code) and version 1 (v1 code) — two snapshots.
    expect(readdirSync(join(h.dir, 'function-versions', 'pub')).filter((d) => d.startsWith('code-'))).toHaveLength(2);
    const got = await rest(h.url, 'GET', '/api/functions/pub');
    expect(got.json).toMatchObject({ versions: [1], aliases: { live: 1 } });
    expect((await rest(h.url, 'GET', '/api/functions/pub/versions')).json['versions']).toHaveLength(1);
    expect((await rest(h.url, 'PUT', '/api/functions/pub/aliases/live', { version: '7' })).status).toBe(404);
    expect((await rest(h.url, 'PUT', '/api/functions/pub/aliases/123', { version: '1' })).status).toBe(400);
  });
});

describe('function timeout on the built-in host', () => {
  it('maps the host\'s timeout to Sandbox.Timedout, and the next call runs on a fresh environment', async () => {
    const dir = join(code, 'tardy');
    writeHandler(dir, 1, 2500);
    await rest(h.url, 'PUT', '/api/functions/tardy', { path: dir, timeout: 1 });
    const sm = await create('tardy-sm', { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'tardy', End: true } } });
    const d = await run(sm);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    expect(JSON.parse(d.cause!).errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
  });
});

describe('bad registrations', () => {
  const cases: [string, string, unknown][] = [
    ['no target', 'f1', { timeout: 3 }],
    ['two targets', 'f2', { endpoint: 'http://127.0.0.1:1/x', path: '/tmp' }],
    ['not a URL', 'f3', { endpoint: 'not a url' }],
    ['https', 'f4', { endpoint: 'https://example.com/x' }],
    ['empty pool', 'f5', { endpoints: [] }],
    ['missing folder', 'f6', { path: '/definitely/not/here' }],
    ['bad runtime', 'f7', { path: '/tmp', runtime: 'java' }],
    ['bad timeout', 'f8', { endpoint: 'http://127.0.0.1:1/x', timeout: 0 }],
    ['bad memory', 'f9', { endpoint: 'http://127.0.0.1:1/x', memorySize: 64 }],
    ['reserved env key', 'f10', { endpoint: 'http://127.0.0.1:1/x', environment: { AWS_REGION: 'x' } }],
    ['bad env name', 'f11', { endpoint: 'http://127.0.0.1:1/x', environment: { '1A': 'x' } }],
    ['unknown field', 'f12', { endpoint: 'http://127.0.0.1:1/x', colour: 'red' }],
    ['warm on an endpoint', 'f13', { endpoint: 'http://127.0.0.1:1/x', warm: 1 }],
    ['negative concurrency', 'f14', { endpoint: 'http://127.0.0.1:1/x', maxConcurrency: -1 }],
    ['name too long', 'x'.repeat(65), { endpoint: 'http://127.0.0.1:1/x' }],
    ['bad name', 'a.b', { endpoint: 'http://127.0.0.1:1/x' }],
  ];
  it.each(cases)('%s → 400, nothing stored', async (_what, name, body) => {
    const res = await rest(h.url, 'PUT', `/api/functions/${name}`, body);
    expect(res.status).toBe(400);
    expect(typeof res.json['message']).toBe('string');
    expect((await rest(h.url, 'GET', `/api/functions/${name}`)).status).toBe(name.length > 64 || name === 'a.b' ? 400 : 404);
  });

  it('refuses malformed JSON', async () => {
    expect((await rest(h.url, 'PUT', '/api/functions/j', '{"endpoint":')).status).toBe(400);
    expect((await rest(h.url, 'GET', '/api/functions/j')).status).toBe(404);
  });

  it('lists and deletes registrations', async () => {
    await rest(h.url, 'PUT', '/api/functions/listed', { endpoints: ['http://127.0.0.1:1/a', 'http://127.0.0.1:2/b'], maxConcurrency: 4 });
    const list = await rest(h.url, 'GET', '/api/functions');
    const found = (list.json['functions'] as { name: string; endpoints?: string[] }[]).find((f) => f.name === 'listed');
    expect(found?.endpoints).toEqual(['http://127.0.0.1:1/a', 'http://127.0.0.1:2/b']);
    expect((await rest(h.url, 'DELETE', '/api/functions/listed')).status).toBe(204);
    expect((await rest(h.url, 'DELETE', '/api/functions/listed')).status).toBe(404);
  });
});

describe('environment lifecycle', () => {
  it('starts warm environments, drains a replaced revision before closing it, and closes all on delete', async () => {
    const { functionRuntime } = await import('../dispatch/compose.js');
    const events: string[] = [];
    const counting = {
      ...functionRuntime,
      async start(spec: Parameters<typeof functionRuntime.start>[0]) {
        const pool = await functionRuntime.start(spec);
        events.push(`start ${spec.concurrency}`);
        return { invokeUrls: pool.invokeUrls, close: async () => { events.push('close'); await pool.close(); } };
      },
    };
    const c = await compose({ runtime: counting });
    try {
      const dir = join(code, 'life');
      writeHandler(dir, 1, 800);
      const put = await rest(c.url, 'PUT', '/api/functions/life', { path: dir, warm: 2, maxConcurrency: 3 });
      expect(put.json).toMatchObject({ warm: 2, maxConcurrency: 3 });
      expect(events).toEqual(['start 2']);
      const sm = (await c.sfn.send(new CreateStateMachineCommand({ name: 'life-sm', definition: JSON.stringify(invoke('life')), roleArn: ROLE }))).stateMachineArn!;
      const slow = await c.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
      await waitFor(() => c.sfn.send(new GetExecutionHistoryCommand({ executionArn: slow.executionArn! })),
        (r) => (r.events ?? []).some((e) => e.type === 'TaskStarted'));
      writeHandler(dir, 2, 0);
      await rest(c.url, 'PUT', '/api/functions/life', { path: dir, warm: 1, maxConcurrency: 3 });
      // The old revision is still draining its call: nothing closed yet; the new one started its warm host.
      expect(events).toEqual(['start 2', 'start 1']);
      const done = await waitFor(() => c.sfn.send(new DescribeExecutionCommand({ executionArn: slow.executionArn! })), (d) => d.status !== 'RUNNING');
      expect(JSON.parse(done.output!).Payload).toMatchObject({ v: 1 });
      await waitFor(async () => events.length, (n) => n >= 3);
      expect(events).toEqual(['start 2', 'start 1', 'close']);
      expect((await rest(c.url, 'DELETE', '/api/functions/life')).status).toBe(204);
      await waitFor(async () => events.length, (n) => n >= 4);
      expect(events).toEqual(['start 2', 'start 1', 'close', 'close']);
      // Nothing refers to its code any more: the snapshots are gone.
      expect(readdirSync(join(c.dir, 'function-versions', 'life'))).toEqual([]);
      // Re-registered under the same name (revision 1 again), it runs.
      await rest(c.url, 'PUT', '/api/functions/life', { path: dir });
      const again = await c.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{}' }));
      const back = await waitFor(() => c.sfn.send(new DescribeExecutionCommand({ executionArn: again.executionArn! })), (d) => d.status !== 'RUNNING');
      expect(JSON.parse(back.output!).Payload).toMatchObject({ v: 2 });
    } finally {
      await c.close();
    }
  });
});

describe('a folder of functions (asl serve --functions DIR)', () => {
  it('registers what scanFunctionsDir finds and runs it', async () => {
    const { scanFunctionsDir } = await import('../../src/functions/index.js');
    const { registerFunctionFolders } = await import('../../src/service/functions.js');
    const root = join(code, 'folder');
    writeHandler(join(root, 'alpha'), 11);
    mkdirSync(join(root, 'beta'), { recursive: true });
    writeFileSync(join(root, 'beta', 'lambda_function.py'), 'def lambda_handler(event, context):\n    return {"py": event}\n');
    const infos = await registerFunctionFolders(h.service.ctx, await scanFunctionsDir(root));
    expect(infos.map((i) => [i.name, i.runtime, i.handler])).toEqual([['alpha', 'nodejs', 'index.handler'], ['beta', 'python', 'lambda_function.lambda_handler']]);
    const d = await run(await create('folder-sm', {
      StartAt: 'A', States: {
        A: { Type: 'Task', Resource: 'alpha', Next: 'B' },
        B: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:beta', End: true },
      },
    }), '{"x":1}');
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ py: { v: 11, event: { x: 1 } } });
    // Registering the same folders again changes nothing.
    const again = await registerFunctionFolders(h.service.ctx, await scanFunctionsDir(root));
    expect(again.map((i) => i.revision)).toEqual([1, 1]);
  });
});
