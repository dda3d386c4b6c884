/** startServer({ functions: DIR }) — what `asl serve --functions DIR` does: every folder becomes a function. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main.js';

const FIX = resolve(__dirname, '../fixtures/functions');
const dir = mkdtempSync(join(tmpdir(), 'asl-fnfolder-'));
let server: RunningServer;

beforeAll(async () => {
  const fns = join(dir, 'functions');
  cpSync(join(FIX, 'node-basic'), join(fns, 'greeter'), { recursive: true });
  cpSync(join(FIX, 'py-basic'), join(fns, 'py-greeter'), { recursive: true });
  server = await startServer({ port: 0, db: join(dir, 'asl.db'), functions: fns });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('functions folder', () => {
  it('registers every folder under its name', async () => {
    const res = (await (await fetch(`${server.url}/api/functions`)).json()) as { functions: { name: string }[] };
    expect(res.functions.map((f) => f.name).sort()).toEqual(['greeter', 'py-greeter']);
  });

  it('runs a Task on a folder function in the built-in host, as a Lambda ARN and through lambda:invoke', async () => {
    const definition = JSON.stringify({
      StartAt: 'Legacy',
      States: {
        Legacy: {
          Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:greeter',
          Parameters: { action: 'echo', payload: { n: 1 } }, ResultSelector: { 'got.$': '$.got' }, ResultPath: '$.legacy', Next: 'Invoke',
        },
        Invoke: {
          Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'greeter', Payload: { action: 'echo', payload: { n: 2 } } },
          ResultSelector: { 'got.$': '$.Payload.got', 'version.$': '$.ExecutedVersion' }, ResultPath: '$.invoke', End: true,
        },
      },
    });
    const { stateMachineArn } = (await server.service.call('CreateStateMachine', {
      name: 'folder-fn', definition, roleArn: 'arn:aws:iam::123456789012:role/x',
    })) as { stateMachineArn: string };
    const { executionArn } = (await server.service.call('StartExecution', { stateMachineArn, input: '{}' })) as { executionArn: string };
    const result = await server.service.waitForExecution(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ legacy: { got: { n: 1 } }, invoke: { got: { n: 2 }, version: '$LATEST' } });
  });
});

describe('code changes', () => {
  it('picks up an edited handler as a new revision; the next execution runs the new code', async () => {
    const fnDir = join(dir, 'functions', 'versioned');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(fnDir, { recursive: true });
    writeFileSync(join(fnDir, 'index.mjs'), 'export const handler = async () => ({ v: 1 });\n');
    await fetch(`${server.url}/api/functions/versioned`, { method: 'PUT', body: JSON.stringify({ path: fnDir, runtime: 'nodejs', handler: 'index.handler' }) });
    const definition = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'versioned', End: true } } });
    const { stateMachineArn } = (await server.service.call('CreateStateMachine', {
      name: 'versioned-fn', definition, roleArn: 'arn:aws:iam::123456789012:role/x',
    })) as { stateMachineArn: string };
    const runOnce = async () => {
      const { executionArn } = (await server.service.call('StartExecution', { stateMachineArn, input: '{}' })) as { executionArn: string };
      return JSON.parse((await server.service.waitForExecution(executionArn)).output!) as { v: number };
    };
    const revision = async () =>
      ((await (await fetch(`${server.url}/api/functions/versioned`)).json()) as { revision: number }).revision;

    expect(await runOnce()).toEqual({ v: 1 });
    const before = await revision();
    writeFileSync(join(fnDir, 'index.mjs'), 'export const handler = async () => ({ v: 2 });\n');
    const deadline = Date.now() + 10_000;
    while ((await revision()) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await revision()).toBe(before + 1);
    expect(await runOnce()).toEqual({ v: 2 });
  });
});

describe('bad folders', () => {
  it('refuses a function folder that contains the service data folder, storing nothing', async () => {
    const res = await fetch(`${server.url}/api/functions/whole-dir`, { method: 'PUT', body: JSON.stringify({ path: dir, runtime: 'nodejs', handler: 'index.handler' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("contains the service's data folder");
    expect((await fetch(`${server.url}/api/functions/whole-dir`)).status).toBe(404);
  });
});
