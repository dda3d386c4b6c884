/** Starts the real server on port 0 over a temp database file and points the real AWS SDK client at it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { startServer, type RunningServer } from '../../src/main.js';

export interface Harness {
  server: RunningServer;
  sfn: SFNClient;
  url: string;
  dir: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'asl-api-'));
  const server = await startServer({ port: 0, db: join(dir, 'db.sqlite') });
  const sfn = new SFNClient({
    endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    disableHostPrefix: true, maxAttempts: 1,
  });
  return {
    server, sfn, url: server.url, dir,
    async close() {
      sfn.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ROLE = 'arn:aws:iam::123456789012:role/test';
export const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } });
export const WAIT = (s: number) => JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: s, End: true } } });
export const FAIL = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'why' } } });

/** The AWS error name a promise rejects with. */
export async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** Raw awsJson1_0 call (for protocol-level checks the SDK would not send). */
export async function raw(url: string, target: string | undefined, body: string, contentType = 'application/x-amz-json-1.0') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (target !== undefined) headers['x-amz-target'] = target;
  const res = await fetch(`${url}/`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}
