/** EndpointPool against real HTTP endpoints: one call per endpoint, FIFO waiting, growth, eviction and re-admission. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { EndpointPool } from '../../src/dispatch/endpoint-pool.js';
import { RieClient } from '../../src/dispatch/rie-client.js';

const servers: http.Server[] = [];
const client = new RieClient();
afterAll(async () => {
  client.close();
  await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
});

async function endpoint(delayMs: number, log: string[]): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => { log.push(url); res.end('{}'); }, delayMs));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, server };
}
const signal = () => new AbortController().signal;

describe('EndpointPool', () => {
  it('queues calls beyond the free endpoints and resolves idle() once drained', async () => {
    const log: string[] = [];
    const a = await endpoint(30, log);
    const pool = new EndpointPool({ endpoints: [a.url] });
    const calls = [1, 2, 3].map(() => pool.invoke(client, '{}', signal(), () => undefined));
    expect(pool.outstanding).toBe(3);
    const idle = pool.idle();
    const results = await Promise.all(calls);
    await idle;
    expect(results.every((r) => r.kind === 'response')).toBe(true);
    expect(pool.outstanding).toBe(0);
  });

  it('throttles the call beyond maxConcurrency', async () => {
    const a = await endpoint(50, []);
    const pool = new EndpointPool({ endpoints: [a.url], maxConcurrency: 2 });
    const r = await Promise.all([1, 2, 3].map(() => pool.invoke(client, '{}', signal(), () => undefined)));
    expect(r.map((x) => x.kind)).toEqual(['response', 'response', 'throttled']);
  });

  it('grows on demand up to maxEndpoints', async () => {
    const log: string[] = [];
    let grown = 0;
    const pool = new EndpointPool({ endpoints: [], maxEndpoints: 2, grow: async () => { grown++; return (await endpoint(40, log)).url; } });
    const r = await Promise.all([1, 2, 3, 4].map(() => pool.invoke(client, '{}', signal(), () => undefined)));
    expect(r.every((x) => x.kind === 'response')).toBe(true);
    expect(grown).toBe(2);
    expect(new Set(log).size).toBe(2);
  });

  it('evicts a refusing endpoint, retries the call elsewhere, and re-admits it after the backoff', async () => {
    const log: string[] = [];
    const live = await endpoint(5, log);
    const dead = await endpoint(5, log);
    const port = Number(new URL(dead.url).port);
    await new Promise<void>((r) => dead.server.close(() => r()));
    const pool = new EndpointPool({ endpoints: [dead.url, live.url], backoffMs: 100 });
    const first = await pool.invoke(client, '{}', signal(), () => undefined);
    expect(first.kind).toBe('response');
    expect(log).toEqual([live.url]);
    // Bring the dead endpoint back on the same port: after the backoff it takes calls again.
    const revived = http.createServer((req, res) => { req.resume(); req.on('end', () => { log.push(dead.url); res.end('{}'); }); });
    servers.push(revived);
    await new Promise<void>((r) => revived.listen(port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 150));
    await Promise.all([1, 2].map(() => pool.invoke(client, '{}', signal(), () => undefined)));
    expect(log).toContain(dead.url);
  });

  it('evicts a hung endpoint once the watchdog gives up on a call, even one its caller abandoned', async () => {
    const log: string[] = [];
    const hung = http.createServer(() => undefined); // takes the request, never answers
    servers.push(hung);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/`;
    const live = await endpoint(5, log);
    const pool = new EndpointPool({ endpoints: [hungUrl, live.url], backoffMs: 10_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const abandoned = await pool.invoke(client, '{}', ac.signal, () => undefined, 150);
    expect(abandoned).toMatchObject({ kind: 'network', watchdog: true });
    // The hung endpoint is out for its backoff: both calls go to the live one (one after the other).
    const next = await Promise.all([1, 2].map(() => pool.invoke(client, '{}', signal(), () => undefined, 150)));
    expect(next.map((r) => r.kind)).toEqual(['response', 'response']);
    expect(log).toEqual([live.url, live.url]);
  });

  it('abandons a waiting call when its signal aborts', async () => {
    const a = await endpoint(100, []);
    const pool = new EndpointPool({ endpoints: [a.url] });
    const busy = pool.invoke(client, '{}', signal(), () => undefined);
    const ac = new AbortController();
    const waiting = pool.invoke(client, '{}', ac.signal, () => undefined);
    ac.abort();
    expect(await waiting).toEqual({ kind: 'network', message: 'aborted' });
    expect((await busy).kind).toBe('response');
  });
});
