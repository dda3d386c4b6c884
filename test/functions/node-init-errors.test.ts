/**
 * Init failures of Node handlers (aws-lambda-ric's Runtime.* errors, posted to /runtime/init/error) come back
 * the way classic RIE answers them: 502 with the init-error JSON; every later call re-initialises.
 * Also: configuration rejected before anything starts, and pools of environments.
 */
import { describe, expect, it } from 'vitest';
import { startFunctionHost, startFunctionPool, type FunctionRuntime } from '../../src/functions/index.js';
import { fixture, invoke, startTestHost } from './host-helpers.js';

async function initError(dir: string, handler: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const host = await startTestHost({ functionName: 'broken', dir: fixture(dir), runtime: 'nodejs', handler });
  try {
    const r = await invoke(host.invokeUrl, {});
    return { status: r.status, body: JSON.parse(r.text) as Record<string, unknown> };
  } finally {
    await host.close();
  }
}

describe('node init errors', () => {
  it('a missing module file is Runtime.ImportModuleError', async () => {
    const { status, body } = await initError('node-basic', 'missing.handler');
    expect(status).toBe(502);
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(body.errorType).toBe('Runtime.ImportModuleError');
    expect(body.errorMessage).toMatch(/^Error: Cannot find module 'missing'/);
  });

  it('a missing dependency is Runtime.ImportModuleError', async () => {
    const { status, body } = await initError('node-import-error', 'index.handler');
    expect(status).toBe(502);
    expect(body.errorType).toBe('Runtime.ImportModuleError');
    expect(body.errorMessage).toContain("Cannot find module 'this-package-does-not-exist'");
  });

  it('a missing export is Runtime.HandlerNotFound', async () => {
    const { status, body } = await initError('node-basic', 'index.nope');
    expect(status).toBe(502);
    expect(body).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nope is undefined or not exported' });
    const notFn = await initError('node-basic', 'index.notAFunction');
    expect(notFn.body).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.notAFunction is not a function' });
  });

  it('a syntax error is Runtime.UserCodeSyntaxError and a handler without a dot is Runtime.MalformedHandlerName', async () => {
    const syntax = await initError('node-syntax-error', 'index.handler');
    expect(syntax.status).toBe(502);
    expect(syntax.body.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(syntax.body.errorMessage).toMatch(/^SyntaxError: /);
    const malformed = await initError('node-basic', 'index');
    expect(malformed.body).toMatchObject({ errorType: 'Runtime.MalformedHandlerName', errorMessage: 'Bad handler' });
  });

  it('re-initialises on every call after an init error', async () => {
    const host = await startTestHost({ functionName: 'broken', dir: fixture('node-basic'), runtime: 'nodejs', handler: 'index.nope' });
    try {
      const a = await invoke(host.invokeUrl, {});
      const b = await invoke(host.invokeUrl, {});
      expect([a.status, b.status]).toEqual([502, 502]);
      expect(a.text).toBe(b.text);
      expect(host.logs.filter((l) => l.includes('\tInit Duration: ')).length).toBe(2);
    } finally {
      await host.close();
    }
  });
});

describe('host configuration', () => {
  const base = { functionName: 'cfg', dir: fixture('node-basic'), runtime: 'nodejs' as FunctionRuntime, handler: 'index.handler' };

  it('rejects reserved and invalid environment keys like Lambda', async () => {
    await expect(startFunctionHost({ ...base, environment: { AWS_REGION: 'x', OK_KEY: 'y' } }))
      .rejects.toThrow(/reserved keys .* Reserved keys used in this request: AWS_REGION$/);
    await expect(startFunctionHost({ ...base, environment: { TZ: 'Europe/Paris' } })).rejects.toThrow(/Reserved keys used in this request: TZ/);
    await expect(startFunctionHost({ ...base, environment: { '1BAD': 'x' } })).rejects.toThrow(/regular expression pattern: \[a-zA-Z\]/);
    await expect(startFunctionHost({ ...base, environment: { BIG: 'x'.repeat(5000) } })).rejects.toThrow(/4KB limit/);
  });

  it('rejects out-of-range timeout and memory, and a missing folder', async () => {
    await expect(startFunctionHost({ ...base, timeoutSeconds: 901 })).rejects.toThrow(/1 to 900/);
    await expect(startFunctionHost({ ...base, timeoutSeconds: 1.5 })).rejects.toThrow(/integer/);
    await expect(startFunctionHost({ ...base, memorySize: 64 })).rejects.toThrow(/128 to 10240/);
    await expect(startFunctionHost({ ...base, dir: fixture('does-not-exist') })).rejects.toThrow(/not found/);
  });
});

describe('function pool', () => {
  it('runs N environments side by side, one invocation each', async () => {
    const pool = await startFunctionPool({ ...{ functionName: 'pooled', dir: fixture('node-basic'), runtime: 'nodejs', handler: 'index.handler' }, concurrency: 2 });
    try {
      expect(new Set(pool.invokeUrls).size).toBe(2);
      const t0 = performance.now();
      const replies = await Promise.all(pool.invokeUrls.map((u) => invoke(u, { action: 'sleep', ms: 300 })));
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      expect(performance.now() - t0).toBeLessThan(1500); // in parallel, not queued
      const pids = await Promise.all(pool.invokeUrls.map(async (u) => JSON.parse((await invoke(u, { action: 'echo' })).text).pid as number));
      expect(pids[0]).not.toBe(pids[1]);
    } finally {
      await pool.close();
    }
  });
});
