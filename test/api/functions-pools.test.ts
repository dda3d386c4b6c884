/**
 * Endpoint pools end to end: fake RIE containers that die — like stock RIE (issue #97) — when a second call
 * arrives while one is in flight, so any overlap would fail the run; throttling at maxConcurrency with Lambda's
 * 429 cause; a dead endpoint taken out of the pool while the live one serves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, rest, waitFor, type Composed } from '../dispatch/compose.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';

interface FakeRie {
  url: string;
  calls: number;
  maxInFlight: number;
  crashed: boolean;
  close(): Promise<void>;
}

/** One RIE "container": echoes `{ port, event }` after `delayMs`; a concurrent call crashes it for good. */
async function fakeRie(delayMs: number): Promise<FakeRie> {
  let inFlight = 0;
  const rie: FakeRie = { url: '', calls: 0, maxInFlight: 0, crashed: false, close: async () => undefined };
  const server = http.createServer((req, res) => {
    if (rie.crashed || inFlight > 0) {
      rie.crashed = true;
      req.socket.destroy(); // connection reset, as a panicking RIE gives
      return;
    }
    inFlight++;
    rie.calls++;
    rie.maxInFlight = Math.max(rie.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      inFlight--;
      res.end(JSON.stringify({ port: rie.url, event: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    }, delayMs));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rie.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/2015-03-31/functions/function/invocations`;
  rie.close = () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
  return rie;
}

let h: Composed;
const fakes: FakeRie[] = [];
beforeAll(async () => { h = await compose(); });
afterAll(async () => {
  await h.close();
  await Promise.all(fakes.map((f) => f.close()));
});

const create = async (name: string, definition: object) =>
  (await h.sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }))).stateMachineArn!;
const run = async (sm: string, input: string) => {
  const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input }));
  return waitFor(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: executionArn! })), (d) => d.status !== 'RUNNING', 30_000);
};
const mapOver = (fn: string) => ({
  StartAt: 'M', States: {
    M: {
      Type: 'Map', MaxConcurrency: 0, End: true,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Call', States: { Call: { Type: 'Task', Resource: fn, End: true } } },
    },
  },
});

describe('endpoint pools', () => {
  it('never overlaps calls on one endpoint and spreads a Map over the pool', async () => {
    const a = await fakeRie(40);
    const b = await fakeRie(40);
    fakes.push(a, b);
    expect((await rest(h.url, 'PUT', '/api/functions/pooled', { endpoints: [a.url, b.url] })).status).toBe(200);
    const d = await run(await create('pooled-map', mapOver('pooled')), JSON.stringify([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!) as { event: number }[];
    expect(out.map((o) => o.event)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a.crashed || b.crashed).toBe(false);
    expect(a.maxInFlight).toBe(1);
    expect(b.maxInFlight).toBe(1);
    expect(a.calls + b.calls).toBe(8);
    expect(a.calls).toBeGreaterThan(0);
    expect(b.calls).toBeGreaterThan(0);
  });

  it('throttles beyond maxConcurrency with Lambda.TooManyRequestsException', async () => {
    const slow = await fakeRie(300);
    fakes.push(slow);
    await rest(h.url, 'PUT', '/api/functions/capped', { endpoint: slow.url, maxConcurrency: 1 });
    const d = await run(await create('capped-map', mapOver('capped')), '[1, 2]');
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('Lambda.TooManyRequestsException');
    expect(d.cause).toMatch(/^Rate Exceeded\. \(Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
    expect(slow.crashed).toBe(false);
    // maxConcurrency 0 throttles every call (Lambda: reserved concurrency 0).
    await rest(h.url, 'PUT', '/api/functions/capped', { endpoint: slow.url, maxConcurrency: 0 });
    const z = await run(await create('capped-zero', { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'capped', End: true } } }), '{}');
    expect(z.error).toBe('Lambda.TooManyRequestsException');
  });

  it('takes a dead endpoint out of the pool and serves from the live one', async () => {
    const dead = await fakeRie(0);
    await dead.close();
    const live = await fakeRie(20);
    fakes.push(live);
    await rest(h.url, 'PUT', '/api/functions/healing', { endpoints: [dead.url, live.url] });
    const d = await run(await create('healing-map', mapOver('healing')), '[1, 2, 3, 4]');
    expect(d.status).toBe('SUCCEEDED');
    expect(live.calls).toBe(4);
    expect(live.maxInFlight).toBe(1);
  });

  it('reports an unreachable single endpoint as Lambda.SdkClientException', async () => {
    const gone = await fakeRie(0);
    await gone.close();
    await rest(h.url, 'PUT', '/api/functions/gone', { endpoint: gone.url });
    const d = await run(await create('gone-sm', { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'gone', End: true } } }), '{}');
    expect(d).toMatchObject({ status: 'FAILED', error: 'Lambda.SdkClientException' });
    expect(d.cause).toContain('ECONNREFUSED');
  });
});
