/** The loopback guard: foreign Host (DNS rebinding) and foreign Origin (cross-site pages) are refused. */
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { tempServer } from '../child-servers.js';
import { allowedHostsFor, refusal } from '../../src/util/host-guard.js';

describe('refusal', () => {
  const loop = allowedHostsFor('127.0.0.1');
  it('serves loopback names, sync- prefixed ones, and any host when not bound to loopback', () => {
    expect(refusal({ host: '127.0.0.1:8080' }, loop)).toBeUndefined();
    expect(refusal({ host: 'localhost:8080' }, loop)).toBeUndefined();
    expect(refusal({ host: 'sync-localhost:8080' }, loop)).toBeUndefined();
    expect(refusal({ host: '[::1]:8080' }, loop)).toBeUndefined();
    expect(refusal({ host: 'attacker.example:8080' }, loop)).toMatch(/not served/);
    expect(allowedHostsFor('0.0.0.0')).toBeUndefined();
    expect(refusal({ host: 'my-box.lan:8080' }, allowedHostsFor('0.0.0.0'))).toBeUndefined();
  });
  it('refuses a foreign Origin even where any host is served', () => {
    expect(refusal({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }, loop)).toBeUndefined();
    expect(refusal({ host: '127.0.0.1:8080', origin: 'https://evil.example' }, loop)).toMatch(/Cross-origin/);
    expect(refusal({ host: 'my-box.lan:8080', origin: 'https://evil.example' }, undefined)).toMatch(/Cross-origin/);
    expect(refusal({ host: '127.0.0.1:8080', origin: 'null' }, loop)).toMatch(/not a URL/);
  });
});

describe('a loopback server', () => {
  const srv = tempServer('asl-guard-');

  function get(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: srv.get().port, path: '/api/health', headers }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers its own clients and refuses rebinding and cross-site requests with 403', async () => {
    expect(await get({})).toBe(200);
    expect(await get({ host: `localhost:${srv.get().port}` })).toBe(200);
    expect(await get({ host: `rebound.example:${srv.get().port}` })).toBe(403);
    expect(await get({ origin: 'https://evil.example' })).toBe(403);
    expect(await get({ origin: `http://127.0.0.1:${srv.get().port}` })).toBe(200);
  });

  it('refuses a WebSocket from a foreign page', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${srv.get().port}/api/ws`, { origin: 'https://evil.example' });
      ws.on('open', () => { ws.close(); resolve('open'); });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
    const ok = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${srv.get().port}/api/ws`);
      ws.on('open', () => { ws.close(); resolve('open'); });
      ws.on('error', reject);
    });
    expect(ok).toBe('open');
  });
});
