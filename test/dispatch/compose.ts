/**
 * The composition main.ts makes, for tests: the service with the REAL built-in function host injected as its
 * FunctionRuntime (`startFunctionPool`), the koa app on port 0, and the real AWS SDK client pointed at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createApp } from '../../src/api/app.js';
import { startFunctionPool, validateHostOptions } from '../../src/functions/index.js';
import type { FunctionRuntime } from '../../src/service/function-pools.js';
import { createService, type Service } from '../../src/service/service.js';

export interface Composed {
  url: string;
  service: Service;
  sfn: SFNClient;
  dir: string;
  db: string;
  /** Stops the server and the service (the database stays). */
  stop(): Promise<void>;
  /** Stops and removes the temp folder. */
  close(): Promise<void>;
}

export const functionRuntime: FunctionRuntime = {
  start: (spec) => startFunctionPool({ ...spec, region: 'us-east-1', account: '123456789012' }),
  validate: (spec) => validateHostOptions(spec),
};

export async function compose(opts: { dir?: string; activityPollSeconds?: number; runtime?: FunctionRuntime } = {}): Promise<Composed> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'asl-fn-'));
  const db = join(dir, 'db.sqlite');
  const service = createService({
    db, functionRuntime: opts.runtime ?? functionRuntime, ...(opts.activityPollSeconds !== undefined ? { activityPollSeconds: opts.activityPollSeconds } : {}),
  });
  const server = createApp(service).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sfn = new SFNClient({
    endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, disableHostPrefix: true, maxAttempts: 1,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    sfn.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await service.close();
  };
  return {
    url, service, sfn, dir, db, stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A REST call: JSON body in, `{ status, json }` out. */
export async function rest(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, {
    method, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls `fn` until `ok` holds (or the time is up) and returns the last value. */
export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}
