/**
 * Wiring: opens the service over its database, starts koa, resumes RUNNING executions. The only module that
 * picks concrete parts (real clock, SQLite file, Lambda dispatcher, real engine).
 */
import type { AddressInfo } from 'node:net';
import { createApp } from './api/app.js';
import { scanFunctionsDir, startFunctionPool, validateHostOptions } from './functions/index.js';
import type { Clock } from './runtime/clock.js';
import { watchFunctionCode } from './service/function-watch.js';
import { registerFunctionFolders } from './service/functions.js';
import { createService, type Service } from './service/service.js';
import { createEventBus } from './stream/event-bus.js';
import { attachWebSocketServer, type WebSocketDeps } from './stream/ws-server.js';
import { startTriggers, type Triggers } from './triggers/index.js';
import { allowedHostsFor } from './util/host-guard.js';
import { startQueues, type QueueOptions } from './triggers/queues.js';
import { startSmtpListener } from './triggers/smtp.js';
import { busPutEvent } from './triggers/smtp-bus.js';

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
  /** Starts the SMTP listener on this port (received mail becomes bus events); off when undefined. */
  smtpPort?: number;
  /** Where the SMTP listener binds (default 127.0.0.1). */
  smtpHost?: string;
  /** Queue consumer tuning, or false to leave the consumers off (routes and store only). */
  queues?: Omit<QueueOptions, 'log'> | false;
  /** Registers every function folder found here (built-in host), as `asl serve --functions DIR`. */
  functions?: string;
  /** Re-reads a path-based function's folder when its files change (new revision); default true. */
  watchFunctions?: boolean;
  /** GetActivityTask long-poll limit in seconds (default 55, under the AWS CLI's 60 s read timeout). */
  activityPollSeconds?: number;
  /** Replaces the system clock (tests drive schedules and timers with a fake one). */
  clock?: Clock;
}

export interface RunningServer {
  url: string;
  port: number;
  service: Service;
  /** Schedules, HTTP triggers and event rules started over the service. */
  triggers: Triggers;
  close(): Promise<void>;
}

/** Starts the HTTP server; resolves once it is listening (port 0 picks a free port). */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ? { log: opts.log } : {};
  // Committed history events flow to WebSocket subscribers (ws://HOST:PORT/api/ws) through this bus.
  const bus = createEventBus((e) => opts.log?.(`stream: ${String(e)}`));
  const region = opts.region ?? 'us-east-1';
  const account = opts.account ?? '123456789012';
  const service = createService({
    db: opts.db ?? process.env['ASL_DB'] ?? './data/asl.db',
    region,
    account,
    durability: opts.durability ?? 'normal',
    ...log,
    // Path-based functions run in the built-in RIE-compatible host (src/functions), one process per slot.
    functionRuntime: {
      start: (spec) => startFunctionPool({ ...spec, region, account, ...log }),
      validate: (spec) => validateHostOptions(spec),
    },
    ...(opts.activityPollSeconds !== undefined ? { activityPollSeconds: opts.activityPollSeconds } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    onEvents: bus.publish,
  });
  if (opts.functions !== undefined) {
    try {
      const registered = await registerFunctionFolders(service.ctx, await scanFunctionsDir(opts.functions));
      opts.log?.(`functions: ${registered.map((f) => f.name).join(', ') || 'none'} from ${opts.functions}`);
    } catch (e) {
      await service.close();
      throw e;
    }
  }
  const codeWatch = opts.watchFunctions === false ? undefined : watchFunctionCode(service.ctx, log);
  // Ingress besides the API: schedules, HTTP triggers, event rules (fed execution status changes), queues.
  const triggers = startTriggers(service, log);
  const queues = opts.queues === false ? undefined : startQueues(service, { ...opts.queues, ...log });
  const stopIngress = async (): Promise<void> => {
    codeWatch?.close();
    await queues?.close();
    await triggers.close();
  };

  // Bound to loopback (the default), only loopback host names are served (util/host-guard.ts).
  const allowedHosts = allowedHostsFor(host);
  const app = createApp(service, opts.log, triggers, allowedHosts);
  const server = app.listen(opts.port ?? 8080, host);
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (e) => {
    await stopIngress();
    await service.close();
    throw e;
  });
  const stream = attachWebSocketServer(server, {
    ...opts.stream, store: service.ctx.store, bus, ...log, ...(allowedHosts ? { allowedHosts } : {}),
  });
  const smtp = opts.smtpPort === undefined ? undefined : await startSmtpListener({
    port: opts.smtpPort,
    host: opts.smtpHost ?? '127.0.0.1',
    putEvent: busPutEvent(service.ctx, triggers.wakeDelivery),
    ...log,
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    service,
    triggers,
    async close() {
      // Upgraded sockets are not closed by closeAllConnections(), so the stream goes first.
      await stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await smtp?.close();
      await stopIngress();
      await service.close();
    },
  };
}
