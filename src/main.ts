/**
 * Wiring: opens the service over its database, starts koa, resumes RUNNING executions. The only module that
 * picks concrete parts (real clock, SQLite file, Lambda dispatcher, real engine).
 */
import type { AddressInfo } from 'node:net';
import { createApp } from './api/app.js';
import { createService, type Service } from './service/service.js';
import { createEventBus } from './stream/event-bus.js';
import { attachWebSocketServer, type WebSocketDeps } from './stream/ws-server.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  db?: string;
  region?: string;
  account?: string;
  durability?: 'normal' | 'full';
  log?: (line: string) => void;
  /** WebSocket stream tuning (keepalive, buffer limits); defaults suit production. */
  stream?: Omit<WebSocketDeps, 'store' | 'bus' | 'log'>;
}

export interface RunningServer {
  url: string;
  port: number;
  service: Service;
  close(): Promise<void>;
}

/** Starts the HTTP server; resolves once it is listening (port 0 picks a free port). */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  // Committed history events flow to WebSocket subscribers (ws://HOST:PORT/api/ws) through this bus.
  const bus = createEventBus((e) => opts.log?.(`stream: ${String(e)}`));
  const service = createService({
    db: opts.db ?? process.env['ASL_DB'] ?? './data/asl.db',
    region: opts.region ?? 'us-east-1',
    account: opts.account ?? '123456789012',
    durability: opts.durability ?? 'normal',
    ...(opts.log ? { log: opts.log } : {}),
    onEvents: bus.publish,
  });
  const app = createApp(service, opts.log);
  const server = app.listen(opts.port ?? 8080, host);
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (e) => {
    await service.close();
    throw e;
  });
  const stream = attachWebSocketServer(server, {
    ...opts.stream,
    store: service.ctx.store,
    bus,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    service,
    async close() {
      // Upgraded sockets are not closed by closeAllConnections(), so the stream goes first.
      await stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await service.close();
    },
  };
}
