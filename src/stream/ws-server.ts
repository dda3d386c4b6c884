/**
 * The WebSocket server on `/api/ws`, sharing the API's HTTP server (noServer + `upgrade`). It fans the bus out
 * to subscriptions: execution history streams (catch-up then live, see subscription.ts) and status changes per
 * state machine or for every execution.
 *
 * Backpressure: nothing in the publish path awaits a socket. Each connection's unsent bytes are bounded by
 * `maxBufferedBytes` (ws.bufferedAmount) and its catch-up queue by `maxQueuedEvents`; past either, the client gets
 * `{"type":"overflow","executionArn","lastEventId"}` and is closed with code 4008, and resumes from its last id.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Store } from '../store/index.js';
import type { EventBus } from './event-bus.js';
import { parseClientMessage, targetFields, targetKey, type ServerMessage, type StatusMessage, type Target } from './protocol.js';
import { matchesMachine, statusChanges } from './status.js';
import { ExecutionSubscription, type Outlet } from './subscription.js';
import { refusal } from '../util/host-guard.js';

export interface WebSocketDeps {
  store: Store;
  bus: EventBus;
  log?: (line: string) => void;
  /** URL path of the endpoint (default `/api/ws`). */
  path?: string;
  /** Keepalive: ping every N ms; a peer that has not answered the previous ping is terminated (default 30 s). */
  pingIntervalMs?: number;
  /** Unsent bytes a connection may hold before it overflows (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Live events buffered per subscription while it catches up (default 10,000). */
  maxQueuedEvents?: number;
  /** Events per catch-up message (default 500). */
  pageSize?: number;
  /** Host names accepted in the upgrade's Host header (util/host-guard.ts); undefined: any. Origin is always checked. */
  allowedHosts?: ReadonlySet<string>;
}

export const OVERFLOW_CLOSE_CODE = 4008;
const MAX_SUBSCRIPTIONS = 1000;

interface Connection {
  ws: WebSocket;
  alive: boolean;
  overflowed: boolean;
  /** Keyed by targetKey: an ExecutionSubscription, or the target of a status subscription. */
  subs: Map<string, ExecutionSubscription | Target>;
  outlet: Outlet;
}

/** Attaches the WebSocket endpoint to `server`; `close()` disconnects every client and detaches. */
export function attachWebSocketServer(server: http.Server, deps: WebSocketDeps): { close(): Promise<void> } {
  const path = deps.path ?? '/api/ws';
  const maxBuffered = deps.maxBufferedBytes ?? 8 * 1024 * 1024;
  const limits = {
    pageSize: deps.pageSize ?? 500,
    maxQueuedEvents: deps.maxQueuedEvents ?? 10_000,
    maxQueuedBytes: maxBuffered,
    pauseAboveBytes: Math.floor(maxBuffered / 2),
    chunkBytes: Math.max(16 * 1024, Math.floor(maxBuffered / 4)),
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const conns = new Set<Connection>();
  const byExecution = new Map<string, Set<ExecutionSubscription>>();
  const statusConns = new Set<Connection>();

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const refused = refusal({ host: req.headers.host, origin: req.headers.origin }, deps.allowedHosts);
    if (refused) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  }

  function accept(ws: WebSocket): void {
    const conn: Connection = {
      ws, alive: true, overflowed: false, subs: new Map(),
      outlet: {
        get open() { return ws.readyState === ws.OPEN && !conn.overflowed; },
        buffered: () => ws.bufferedAmount,
        send: (msg) => send(conn, msg),
        control: (msg) => reply(conn, msg),
        overflow: () => overflow(conn),
      },
    };
    conns.add(conn);
    ws.on('pong', () => { conn.alive = true; });
    ws.on('message', (data, isBinary) => {
      if (conn.overflowed) return;
      if (isBinary) return reply(conn, { type: 'error', message: 'binary frames are not supported; send JSON text' });
      try {
        handle(conn, data.toString());
      } catch (e) {
        reply(conn, { type: 'error', message: (e as Error).message });
      }
    });
    ws.on('error', (e) => deps.log?.(`ws: ${e.message}`));
    ws.on('close', () => drop(conn));
  }

  /** Sends unless the connection is gone or backed up past its limit (which overflows it). */
  function send(conn: Connection, msg: ServerMessage): boolean {
    if (conn.overflowed || conn.ws.readyState !== conn.ws.OPEN) return false;
    if (conn.ws.bufferedAmount > maxBuffered) {
      overflow(conn);
      return false;
    }
    conn.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Protocol replies (acks, errors) bypass the byte limit; they are small and rare. */
  function reply(conn: Connection, msg: ServerMessage): boolean {
    if (conn.overflowed || conn.ws.readyState !== conn.ws.OPEN) return false;
    conn.ws.send(JSON.stringify(msg));
    return true;
  }

  function overflow(conn: Connection): void {
    if (conn.overflowed) return;
    const execs = [...conn.subs.values()].filter((s): s is ExecutionSubscription => s instanceof ExecutionSubscription);
    if (conn.ws.readyState === conn.ws.OPEN) {
      if (execs.length === 0) conn.ws.send(JSON.stringify({ type: 'overflow' }));
      for (const s of execs) conn.ws.send(JSON.stringify({ type: 'overflow', executionArn: s.executionArn, lastEventId: s.lastSentId }));
    }
    conn.overflowed = true;
    unsubscribeAll(conn);
    // The close frame follows the queued data; a peer that never reads again is dropped by ws's closing
    // timeout (30 s) or by the keepalive, whichever comes first.
    conn.ws.close(OVERFLOW_CLOSE_CODE, 'overflow: client too slow');
  }

  function handle(conn: Connection, text: string): unknown {
    const msg = parseClientMessage(text);
    const key = targetKey(msg.target);
    removeSub(conn, key);
    if (msg.action === 'unsubscribe') return reply(conn, { type: 'unsubscribed', ...targetFields(msg.target) });
    if (conn.subs.size >= MAX_SUBSCRIPTIONS) throw new Error(`at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
    if (msg.target.kind !== 'execution') {
      conn.subs.set(key, msg.target);
      statusConns.add(conn);
      return reply(conn, { type: 'subscribed', ...targetFields(msg.target) });
    }
    const arn = msg.target.executionArn;
    const row = deps.store.executions.get(arn);
    if (!row) return reply(conn, { type: 'error', message: `Execution Does Not Exist: '${arn}'`, executionArn: arn });
    const sub = new ExecutionSubscription(arn, row.id, msg.sinceEventId, deps.store, conn.outlet, limits, () => {
      byExecution.get(arn)?.delete(sub);
      if (byExecution.get(arn)?.size === 0) byExecution.delete(arn);
      if (conn.subs.get(key) === sub) conn.subs.delete(key);
    });
    // Bus registration first, then the store read (subscription.ts explains why).
    conn.subs.set(key, sub);
    let set = byExecution.get(arn);
    if (!set) byExecution.set(arn, (set = new Set()));
    set.add(sub);
    reply(conn, { type: 'subscribed', executionArn: arn });
    sub.catchUp().catch((e: unknown) => {
      reply(conn, { type: 'error', message: `catch-up failed: ${(e as Error).message}`, executionArn: arn });
      sub.end();
    });
  }

  function removeSub(conn: Connection, key: string): void {
    const old = conn.subs.get(key);
    if (old instanceof ExecutionSubscription) old.end();
    conn.subs.delete(key);
    if (![...conn.subs.values()].some((s) => !(s instanceof ExecutionSubscription))) statusConns.delete(conn);
  }

  function unsubscribeAll(conn: Connection): void {
    for (const key of [...conn.subs.keys()]) removeSub(conn, key);
    statusConns.delete(conn);
  }

  function drop(conn: Connection): void {
    unsubscribeAll(conn);
    conns.delete(conn);
  }

  function fanOutStatus(msg: StatusMessage): void {
    for (const conn of statusConns) {
      for (const t of conn.subs.values()) {
        if (t instanceof ExecutionSubscription) continue;
        if (t.kind === 'all' || (t.kind === 'stateMachine' && matchesMachine(deps.store, msg, t.stateMachineArn))) {
          send(conn, msg);
          break;
        }
      }
    }
  }

  const unsubscribeBus = deps.bus.subscribe((arn, events) => {
    const subs = byExecution.get(arn);
    if (subs) for (const s of [...subs]) s.onLive(events);
    if (statusConns.size > 0) for (const m of statusChanges(deps.store, arn, events)) fanOutStatus(m);
  });

  const keepalive = setInterval(() => {
    for (const conn of conns) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, deps.pingIntervalMs ?? 30_000);
  keepalive.unref();

  server.on('upgrade', onUpgrade);

  return {
    async close() {
      clearInterval(keepalive);
      server.off('upgrade', onUpgrade);
      unsubscribeBus();
      const closing = [...conns].map((c) => new Promise<void>((resolve) => {
        if (c.ws.readyState === c.ws.CLOSED) return resolve();
        c.ws.once('close', () => resolve());
        c.ws.close(1001, 'server shutting down');
        setTimeout(() => c.ws.terminate(), 500).unref();
      }));
      await Promise.all(closing);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
