/**
 * The queue tests run on the real wiring (startServer over a database file), plus small HTTP helpers (AWS JSON
 * calls and the /api/queues REST routes).
 */
import { startServer } from '../../src/main.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { Service } from '../../src/service/service.js';

export interface Composed {
  url: string;
  port: number;
  service: Service;
  close(): Promise<void>;
}

/** Starts the real server (startServer); `queues: false` leaves the consumers off (store + routes only). */
export async function composeQueues(db: string, opts: { port?: number; queues?: boolean; clock?: Clock; pollMs?: number } = {}): Promise<Composed> {
  const server = await startServer({
    db, port: opts.port ?? 0, ...(opts.clock ? { clock: opts.clock } : {}),
    queues: opts.queues === false ? false : { pollMs: opts.pollMs ?? 50 },
  });
  return { url: server.url, port: server.port, service: server.service, close: () => server.close() };
}

export const ROLE = 'arn:aws:iam::123456789012:role/queues';

/** One awsJson1_0 call over HTTP (what the SDK sends); rejects with the AWS error code and message. */
import { awsCall as aws } from '../../src/cli/aws-client.js';

export { aws };

/** A REST call: status and parsed JSON body. */
export async function rest(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

export async function createMachine(url: string, name: string, definition: object): Promise<string> {
  const r = await aws<{ stateMachineArn: string }>(url, 'CreateStateMachine', { name, roleArn: ROLE, definition: JSON.stringify(definition) });
  return r.stateMachineArn;
}

export interface ExecutionView {
  executionArn: string;
  name: string;
  status: string;
  input: { Records: Array<{ messageId: string; body: string; attributes: Record<string, string>; [k: string]: unknown }> };
  startDate: number;
  stopDate?: number;
  error?: string;
}

/** Every execution of a machine, described (input parsed). */
export async function executionsOf(url: string, stateMachineArn: string): Promise<ExecutionView[]> {
  const list = await aws<{ executions: Array<{ executionArn: string }> }>(url, 'ListExecutions', { stateMachineArn, maxResults: 1000 });
  return Promise.all(list.executions.map(async (e) => {
    const d = await aws<Record<string, unknown>>(url, 'DescribeExecution', { executionArn: e.executionArn });
    return { ...d, input: JSON.parse(d['input'] as string) } as unknown as ExecutionView;
  }));
}

/** Polls `fn` until `ok` holds (or throws after `timeoutMs`). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
