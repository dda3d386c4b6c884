/**
 * The stream tests run against the real wiring: `startServer` from src/main.ts (bus → service (onEvents) → koa
 * app → WebSocket endpoint on the same HTTP server). Plus small helpers (AWS JSON calls, a collecting ws client).
 */
import { WebSocket } from 'ws';
import { startServer } from '../../src/main.js';
import type { Service } from '../../src/service/service.js';
import type { WebSocketDeps } from '../../src/stream/ws-server.js';

export interface Composed {
  url: string;
  wsUrl: string;
  port: number;
  service: Service;
  close(): Promise<void>;
}

export async function compose(db: string, wsOpts: Omit<Partial<WebSocketDeps>, 'store' | 'bus' | 'log'> = {}, port = 0): Promise<Composed> {
  const server = await startServer({ db, port, stream: wsOpts });
  return {
    url: server.url, wsUrl: `ws://127.0.0.1:${server.port}/api/ws`, port: server.port, service: server.service,
    close: () => server.close(),
  };
}

/** One awsJson1_0 call over HTTP (what the SDK sends); rejects with the AWS error code and message. */
import { awsCall as aws } from '../../src/cli/aws-client.js';

export { aws };

export const ROLE = 'arn:aws:iam::123456789012:role/stream';

/** Creates a state machine and starts one execution of it; returns both ARNs. */
export async function startRun(url: string, name: string, definition: object, input: object = {}) {
  const sm = await aws<{ stateMachineArn: string }>(url, 'CreateStateMachine', {
    name, roleArn: ROLE, definition: JSON.stringify(definition),
  });
  const ex = await aws<{ executionArn: string }>(url, 'StartExecution', {
    stateMachineArn: sm.stateMachineArn, input: JSON.stringify(input),
  });
  return { stateMachineArn: sm.stateMachineArn, executionArn: ex.executionArn };
}

/** The complete GetExecutionHistory over HTTP, all pages. */
export async function fullHistory(url: string, executionArn: string): Promise<{ id: number }[]> {
  const events: { id: number }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws<{ events: { id: number }[]; nextToken?: string }>(url, 'GetExecutionHistory', {
      executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export type Msg = Record<string, unknown> & { type: string };

/** A ws client that records every message; `until` waits for a predicate over what has arrived. */
export async function connect(wsUrl: string) {
  const ws = new WebSocket(wsUrl);
  const messages: Msg[] = [];
  const waiters: (() => void)[] = [];
  let closeCode: number | undefined;
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as Msg);
    for (const w of waiters.splice(0)) w();
  });
  ws.on('close', (code) => {
    closeCode = code;
    for (const w of waiters.splice(0)) w();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client = {
    ws, messages,
    get closeCode() { return closeCode; },
    send: (msg: object) => ws.send(JSON.stringify(msg)),
    events: (arn?: string) => messages
      .filter((m) => m.type === 'events' && (arn === undefined || m['executionArn'] === arn))
      .flatMap((m) => m['events'] as { id: number; type: string }[]),
    async until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out; got ${JSON.stringify(messages).slice(0, 2000)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () => ws.close(),
  };
  return client;
}
