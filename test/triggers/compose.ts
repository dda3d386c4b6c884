/**
 * The trigger tests run on the real wiring: startServer (src/main.ts) with a temp database and, where a test
 * drives time, a fake clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/runtime/clock.js';
import { startServer } from '../../src/main.js';
import type { Service } from '../../src/service/service.js';
import type { Triggers } from '../../src/triggers/index.js';

export interface Composed {
  url: string;
  service: Service;
  triggers: Triggers;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export function tempDb(): { db: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'asl-triggers-'));
  return { db: join(dir, 'db.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function compose(db: string, clock?: Clock): Promise<Composed> {
  const server = await startServer({ db, port: 0, ...(clock ? { clock } : {}) });
  const url = server.url;
  return {
    url, service: server.service, triggers: server.triggers,
    async api(method, path, body) {
      const res = await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    close: () => server.close(),
  };
}

export const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
export const WAIT = (s: number) => ({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: s, End: true } } });

/** Creates a state machine over REST; its ARN. */
export async function machine(c: Composed, name: string, definition: unknown, type = 'STANDARD'): Promise<string> {
  const r = await c.api('POST', '/api/state-machines', { name, definition, type });
  if (r.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(r.json)}`);
  return r.json.stateMachineArn as string;
}

export async function executions(c: Composed, arn: string): Promise<{ name: string; status: string; executionArn: string }[]> {
  const r = (await c.service.call('ListExecutions', { stateMachineArn: arn, maxResults: 1000 })) as { executions: any[] };
  return r.executions;
}

/** Lets started work (commits, async starts) settle on the real event loop. */
export const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));
