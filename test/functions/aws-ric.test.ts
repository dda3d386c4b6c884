/**
 * Optional fidelity check (lambda-rie.md §5.3): run the same handlers through AWS's own Node runtime client,
 * `aws-lambda-ric`, against our Runtime API, and through our bootstrap; the answers must agree. Skipped unless
 * the package is installed (`npm install --no-save aws-lambda-ric@4.0.2`: a ~1 minute native build).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, invoke, startTestHost } from './host-helpers.js';

/** The CLI entry of an installed aws-lambda-ric, found by walking up from this file; undefined when absent. */
function findRic(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkgDir = join(dir, 'node_modules', 'aws-lambda-ric');
    if (existsSync(join(pkgDir, 'package.json'))) {
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
      const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['aws-lambda-ric'];
      const entry = [bin, 'bin/index.mjs', 'index.mjs'].find((p) => p !== undefined && existsSync(join(pkgDir, p)));
      return entry === undefined ? undefined : join(pkgDir, entry);
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const RIC = findRic();

/** Same function, two runtime clients: [ours, AWS's]. */
async function both(handler: string, event: unknown): Promise<[{ status: number; text: string }, { status: number; text: string }]> {
  const opts = { functionName: 'ric-check', dir: fixture('node-basic'), runtime: 'nodejs' as const, handler };
  const ours = await startTestHost(opts);
  const aws = await startTestHost({ ...opts, command: [process.execPath, RIC!, handler] });
  try {
    return [await invoke(ours.invokeUrl, event), await invoke(aws.invokeUrl, event)];
  } finally {
    await Promise.all([ours.close(), aws.close()]);
  }
}

describe.skipIf(RIC === undefined)('aws-lambda-ric against our Runtime API', () => {
  it('agrees on success bodies, including undefined → null', async () => {
    const [a, b] = await both('index.handler', { action: 'string' });
    expect([b.status, b.text]).toEqual([a.status, a.text]);
    const [c, d] = await both('index.handler', { action: 'undefined' });
    expect(d.text).toBe(c.text);
  });

  it('agrees on the context fields it can see', async () => {
    const [a, b] = await both('index.handler', { action: 'context' });
    const strip = (t: string): unknown => {
      const { awsRequestId: _id, remaining: _r, logStreamName: _s, ...rest } = JSON.parse(t) as Record<string, unknown>;
      return rest;
    };
    expect(strip(b.text)).toEqual(strip(a.text));
  });

  it('agrees on handler errors and init errors', async () => {
    const [a, b] = await both('index.handler', { action: 'throw' });
    const head = (t: string): unknown => {
      const e = JSON.parse(t) as { errorType: string; errorMessage: string; trace: string[] };
      return [Object.keys(e), e.errorType, e.errorMessage, e.trace[0]];
    };
    expect(b.status).toBe(a.status);
    expect(head(b.text)).toEqual(head(a.text));
    const [c, d] = await both('index.nope', {});
    expect(d.status).toBe(c.status);
    expect(JSON.parse(d.text)).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: JSON.parse(c.text).errorMessage });
  });

  it('agrees on a crash', async () => {
    const [a, b] = await both('index.handler', { action: 'exit', code: 3 });
    expect([a.status, b.status]).toEqual([502, 502]);
    expect(JSON.parse(b.text).errorMessage).toMatch(/exit status 3$/);
  });
});
