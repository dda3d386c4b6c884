/**
 * The WebSocket stream against a real server on port 0 with real `ws` clients: catch-up + live with no gap and
 * no duplicate, many subscribers, status subscriptions, protocol errors, and a slow client that must not slow
 * the engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, compose, connect, fullHistory, startRun, type Composed } from './compose.js';

const chain = (n: number, wait: number) => {
  const states: Record<string, object> = {};
  for (let i = 0; i < n; i++) states[`P${i}`] = { Type: 'Pass', Next: i === Math.floor(n / 2) && wait > 0 ? 'W' : `P${i + 1}` };
  states[`P${n}`] = { Type: 'Succeed' };
  if (wait > 0) states['W'] = { Type: 'Wait', Seconds: wait, Next: `P${Math.floor(n / 2) + 1}` };
  return { StartAt: 'P0', States: states };
};

let dir: string;
let srv: Composed;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asl-stream-'));
  srv = await compose(join(dir, 'db.sqlite'), { pingIntervalMs: 150 });
});
afterAll(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('execution streams', () => {
  it('catch-up from 0 and from a middle id, then live, equals GetExecutionHistory exactly', async () => {
    const { executionArn } = await startRun(srv.url, 'mid-run', chain(6, 1));
    // Subscribe mid-run: the execution is parked in its 1 s Wait.
    const sofar = await fullHistory(srv.url, executionArn);
    expect(sofar.length).toBeGreaterThan(4);
    const middle = sofar[3]!.id;
    const a = await connect(srv.wsUrl);
    const b = await connect(srv.wsUrl);
    a.send({ action: 'subscribe', executionArn, sinceEventId: 0 });
    b.send({ action: 'subscribe', executionArn, sinceEventId: middle });
    await a.until(() => a.messages.some((m) => m.type === 'closed'));
    await b.until(() => b.messages.some((m) => m.type === 'closed'));
    const history = await fullHistory(srv.url, executionArn);
    expect(history.length).toBeGreaterThan(sofar.length);
    expect(a.events()).toEqual(history);
    expect(b.events()).toEqual(history.filter((e) => e.id > middle));
    expect(a.messages[0]).toEqual({ type: 'subscribed', executionArn });
    expect(a.messages.at(-1)).toEqual({ type: 'closed', executionArn, status: 'SUCCEEDED' });
    // Live batches arrived as separate messages after the catch-up one.
    expect(a.messages.filter((m) => m.type === 'events').length).toBeGreaterThan(1);
    a.close();
    b.close();
  });

  it('100 concurrent subscribers all receive the full ordered stream', async () => {
    const { executionArn } = await startRun(srv.url, 'fan-out', chain(20, 1));
    const clients = await Promise.all(Array.from({ length: 100 }, () => connect(srv.wsUrl)));
    for (const c of clients) c.send({ action: 'subscribe', executionArn });
    await Promise.all(clients.map((c) => c.until(() => c.messages.some((m) => m.type === 'closed'))));
    const history = await fullHistory(srv.url, executionArn);
    for (const c of clients) expect(c.events()).toEqual(history);
    for (const c of clients) c.close();
  });

  it('a closed execution streams its whole history then `closed`; past its end only `closed`', async () => {
    const { executionArn } = await startRun(srv.url, 'done-fail', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'why' } } });
    const history = await fullHistory(srv.url, executionArn);
    const c = await connect(srv.wsUrl);
    c.send({ action: 'subscribe', executionArn, sinceEventId: 0 });
    await c.until(() => c.messages.some((m) => m.type === 'closed'));
    expect(c.events()).toEqual(history);
    expect(c.messages.at(-1)).toEqual({ type: 'closed', executionArn, status: 'FAILED' });
    c.send({ action: 'subscribe', executionArn, sinceEventId: history.at(-1)!.id });
    await c.until(() => c.messages.filter((m) => m.type === 'closed').length === 2);
    expect(c.events()).toEqual(history);
    c.close();
  });

  it('unsubscribe stops the stream', async () => {
    const { executionArn } = await startRun(srv.url, 'unsub', chain(4, 1));
    const c = await connect(srv.wsUrl);
    c.send({ action: 'subscribe', executionArn });
    await c.until(() => c.events().length > 0);
    c.send({ action: 'unsubscribe', executionArn });
    await c.until(() => c.messages.some((m) => m.type === 'unsubscribed'));
    const seen = c.events().length;
    await srv.service.waitForExecution(executionArn);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.events().length).toBe(seen);
    expect(c.messages.some((m) => m.type === 'closed')).toBe(false);
    c.close();
  });
});

describe('status subscriptions', () => {
  it('`all` sees every execution start and close; `stateMachineArn` only its own', async () => {
    const all = await connect(srv.wsUrl);
    const one = await connect(srv.wsUrl);
    const sm = await aws<{ stateMachineArn: string }>(srv.url, 'CreateStateMachine', {
      name: 'status-a', roleArn: 'arn:aws:iam::123456789012:role/x',
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: 1 }, End: true } } }),
    });
    all.send({ action: 'subscribe', all: true });
    one.send({ action: 'subscribe', stateMachineArn: sm.stateMachineArn });
    await all.until(() => all.messages.some((m) => m.type === 'subscribed'));
    await one.until(() => one.messages.some((m) => m.type === 'subscribed'));
    const ex = await aws<{ executionArn: string }>(srv.url, 'StartExecution', { stateMachineArn: sm.stateMachineArn, name: 'r1', input: '{"x":1}' });
    const other = await startRun(srv.url, 'status-b', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } });
    const statusOf = (c: typeof all, arn: string) => c.messages.filter((m) => m.type === 'status' && m['executionArn'] === arn);
    await all.until(() => statusOf(all, ex.executionArn).length === 2 && statusOf(all, other.executionArn).length === 2);
    await one.until(() => statusOf(one, ex.executionArn).length === 2);
    const [started, done] = statusOf(one, ex.executionArn);
    expect(started).toMatchObject({ status: 'RUNNING', stateMachineArn: sm.stateMachineArn, name: 'r1', input: '{"x":1}' });
    expect(started).not.toHaveProperty('stopDate');
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":1}' });
    const desc = await aws<{ startDate: number; stopDate: number }>(srv.url, 'DescribeExecution', { executionArn: ex.executionArn });
    // EventBridge dates are epoch milliseconds; the API's are epoch seconds.
    expect(done!['startDate']).toBe(Math.round(desc.startDate * 1000));
    expect(done!['stopDate']).toBe(Math.round(desc.stopDate * 1000));
    expect(statusOf(all, other.executionArn)[1]).toMatchObject({ status: 'FAILED', error: 'E', cause: 'C' });
    expect(statusOf(one, other.executionArn)).toEqual([]);
    all.close();
    one.close();
  });
  it('Express runs appear in `all`; a version ARN subscription sees the runs started through it', async () => {
    const all = await connect(srv.wsUrl);
    const ver = await connect(srv.wsUrl);
    const def = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const express = await aws<{ stateMachineArn: string }>(srv.url, 'CreateStateMachine', {
      name: 'status-express', type: 'EXPRESS', roleArn: 'arn:aws:iam::123456789012:role/x', definition: def,
    });
    const std = await aws<{ stateMachineArn: string; stateMachineVersionArn: string }>(srv.url, 'CreateStateMachine', {
      name: 'status-ver', roleArn: 'arn:aws:iam::123456789012:role/x', definition: def, publish: true,
    });
    all.send({ action: 'subscribe', all: true });
    ver.send({ action: 'subscribe', stateMachineArn: std.stateMachineVersionArn });
    await all.until(() => all.messages.some((m) => m.type === 'subscribed'));
    await ver.until(() => ver.messages.some((m) => m.type === 'subscribed'));
    const sync = await aws<{ executionArn: string }>(srv.url, 'StartSyncExecution', { stateMachineArn: express.stateMachineArn, input: '{"e":1}' });
    await aws(srv.url, 'StartExecution', { stateMachineArn: std.stateMachineArn, name: 'unversioned' });
    const viaVersion = await aws<{ executionArn: string }>(srv.url, 'StartExecution', { stateMachineArn: std.stateMachineVersionArn, name: 'versioned' });
    await all.until(() => all.messages.filter((m) => m.type === 'status').length === 6);
    expect(all.messages.filter((m) => m['executionArn'] === sync.executionArn)).toMatchObject([
      { status: 'RUNNING', stateMachineArn: express.stateMachineArn, input: '{"e":1}' },
      { status: 'SUCCEEDED', stateMachineArn: express.stateMachineArn, output: '{"e":1}' },
    ]);
    await ver.until(() => ver.messages.filter((m) => m.type === 'status').length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(ver.messages.filter((m) => m.type === 'status').map((m) => m['executionArn'])).toEqual([viaVersion.executionArn, viaVersion.executionArn]);
    all.close();
    ver.close();
  });
});

describe('protocol errors', () => {
  it('bad messages get JSON errors and the socket stays usable', async () => {
    const c = await connect(srv.wsUrl);
    c.send({ nope: 1 } as object);
    c.ws.send('{not json');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send({ action: 'subscribe' });
    c.send({ action: 'subscribe', executionArn: 'x', all: true });
    c.send({ action: 'subscribe', executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:nope', sinceEventId: 0 });
    c.send({ action: 'subscribe', executionArn: 'arn:x', sinceEventId: -1 });
    await c.until(() => c.messages.length === 7);
    expect(c.messages.every((m) => m.type === 'error' && typeof m['message'] === 'string')).toBe(true);
    expect(c.messages[5]).toMatchObject({ message: expect.stringContaining('Execution Does Not Exist') });
    c.send({ action: 'subscribe', all: true });
    await c.until(() => c.messages.some((m) => m.type === 'subscribed'));
    expect(c.closeCode).toBeUndefined();
    c.close();
  });

  it('other upgrade paths are refused', async () => {
    const ws = new WebSocket(srv.wsUrl.replace('/api/ws', '/elsewhere'));
    const err = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(err.message).toContain('404');
  });

  it('a peer that stops answering pings is terminated', async () => {
    const c = await connect(srv.wsUrl);
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    await new Promise((r) => setTimeout(r, 600));
    socket.resume();
    await c.until(() => c.closeCode !== undefined);
    expect(c.closeCode).toBe(1006);
  });
});

describe('backpressure', () => {
  // Both stalls: during catch-up (the live queue overflows) and once live (the socket's unsent bytes overflow).
  const leadingWait = { ...chain(60, 0), StartAt: 'W0', States: { ...chain(60, 0).States, W0: { Type: 'Wait', Seconds: 1, Next: 'P0' } } };
  it.each([
    ['while catching up', chain(60, 1), 0],
    ['while live', leadingWait, 2],
  ])('a client that stops reading %s does not delay the execution; it overflows (4008) and resumes', async (_, definition, pauseAfter) => {
    const slow = await compose(join(dir, `slow-${pauseAfter}.sqlite`), { maxBufferedBytes: 128 * 1024 });
    try {
      const { executionArn } = await startRun(slow.url, 'big', definition, { blob: 'x'.repeat(200_000) });
      const c = await connect(slow.wsUrl);
      const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      c.send({ action: 'subscribe', executionArn, sinceEventId: 0 });
      if (pauseAfter > 0) await c.until(() => c.events().length >= pauseAfter);
      else await new Promise((r) => setTimeout(r, 50));
      socket.pause();
      const t0 = Date.now();
      const result = await slow.service.waitForExecution(executionArn);
      expect(result.status).toBe('SUCCEEDED');
      expect(Date.now() - t0).toBeLessThan(3000);
      socket.resume();
      await c.until(() => c.closeCode !== undefined);
      expect(c.closeCode).toBe(4008);
      const overflow = c.messages.find((m) => m.type === 'overflow');
      expect(overflow).toMatchObject({ executionArn });
      const got = c.events();
      expect(overflow!['lastEventId']).toBe(got.at(-1)!.id);
      const history = await fullHistory(slow.url, executionArn);
      // Most of the run was still unsent when the client stalled (the kernel absorbs a few MB at most).
      expect(got.length).toBeLessThan(history.length);
      // Resume from the last id received: the rest arrives exactly once.
      const r = await connect(slow.wsUrl);
      r.send({ action: 'subscribe', executionArn, sinceEventId: got.at(-1)!.id });
      await r.until(() => r.messages.some((m) => m.type === 'closed'));
      expect([...got, ...r.events()]).toEqual(history);
      r.close();
    } finally {
      await slow.close();
    }
  });
});
