/** The Lambda dispatcher against real HTTP servers that answer as stock RIE does. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaDispatcher } from '../../src/dispatch/lambda-dispatcher.js';
import { lambdaTarget } from '../../src/dispatch/lambda-target.js';
import type { DispatchTaskCommand } from '../../src/dispatch/types.js';
import type { Json } from '../../src/util/json.js';

// A fake RIE: one route, always 200 (or 502), never X-Amz-Function-Error; records concurrency.
let inFlight = 0;
let maxInFlight = 0;
let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, text: string, headers: [string, string][] = []) => setTimeout(() => {
        inFlight--;
        res.writeHead(status, [['content-type', 'text/plain; charset=utf-8'], ...headers].flat());
        res.end(text);
      }, 15);
      switch (req.url) {
        case '/echo': return reply(200, body);
        case '/raise': return reply(200, '{"errorMessage": "boom", "errorType": "ValueError", "requestId": "r1", "stackTrace": []}');
        // Lambda-style: the header (any case, here sent twice) marks the answer as an error, whatever the body.
        case '/flagged': return reply(200, '{"errorType": "Custom", "detail": 1}', [['x-amz-Function-Error', 'Unhandled'], ['X-Amz-Function-Error', 'Handled']]);
        case '/timeout': return reply(200, 'Task timed out after 3.00 seconds');
        case '/crash': return reply(502, '');
        case '/text': return reply(200, 'plain words');
        default: return reply(404, '404 page not found');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const registry: Record<string, string> = {};
const dispatcher = createLambdaDispatcher({ region: 'us-east-1', account: '123456789012', lookup: (n) => registry[n] });
afterAll(() => dispatcher.close());

function cmd(resource: string, payload: Json, taskId = 't1'): DispatchTaskCommand {
  return { kind: 'DispatchTask', taskId, stateName: 'S', resource, payload };
}
const run = (c: DispatchTaskCommand) => dispatcher.dispatch(c, new AbortController().signal);

describe('lambda targets', () => {
  it('routes the three Resource spellings', () => {
    expect(lambdaTarget('arn:aws:lambda:us-east-1:111111111111:function:fn:7', { a: 1 })).toMatchObject({ style: 'legacy', name: 'fn', qualifier: '7', payload: { a: 1 } });
    expect(lambdaTarget('fn', 1)).toMatchObject({ style: 'legacy', name: 'fn' });
    expect(lambdaTarget('arn:aws:states:::lambda:invoke', { FunctionName: 'arn:aws:lambda:us-east-1:111111111111:function:fn', Payload: { b: 2 } }))
      .toMatchObject({ style: 'invoke', name: 'fn', payload: { b: 2 }, callback: false });
    expect(lambdaTarget('arn:aws:states:::lambda:invoke', { FunctionName: 'fn', Payload: null })).toMatchObject({ payload: {} });
    expect(lambdaTarget('arn:aws:states:::lambda:invoke.waitForTaskToken', { FunctionName: 'fn' })).toMatchObject({ callback: true });
    expect(lambdaTarget('arn:aws:states:::sqs:sendMessage', {})).toBeUndefined();
  });
});

describe('lambda dispatcher', () => {
  it('returns the bare payload for the legacy resource', async () => {
    registry['echo'] = `${base}/echo`;
    expect(await run(cmd('arn:aws:lambda:us-east-1:123456789012:function:echo', { x: [1, 2] }))).toEqual({ ok: true, output: { x: [1, 2] }, outputText: '{"x":[1,2]}' });
  });

  it('wraps the result of lambda:invoke as the AWS SDK shows it', async () => {
    registry['echo'] = `${base}/echo`;
    const out = await run(cmd('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', Payload: { k: 'v' } }));
    expect(out.ok).toBe(true);
    const o = (out as { output: Record<string, Json> }).output;
    expect(o['Payload']).toEqual({ k: 'v' });
    expect(o['StatusCode']).toBe(200);
    expect(o['ExecutedVersion']).toBe('$LATEST');
    const meta = o['SdkHttpMetadata'] as { HttpHeaders: Record<string, string>; HttpStatusCode: number };
    expect(meta.HttpHeaders['Content-Length']).toBe(String('{"k":"v"}'.length));
    expect(meta.HttpStatusCode).toBe(200);
  });

  it('maps a function error: errorType, raw body for legacy, compact JSON for lambda:invoke', async () => {
    registry['raise'] = `${base}/raise`;
    const legacy = await run(cmd('raise', {}));
    expect(legacy).toEqual({ ok: false, error: 'ValueError', cause: '{"errorMessage": "boom", "errorType": "ValueError", "requestId": "r1", "stackTrace": []}' });
    const invoke = await run(cmd('arn:aws:states:::lambda:invoke', { FunctionName: 'raise' }));
    expect(invoke).toEqual({ ok: false, error: 'ValueError', cause: '{"errorMessage":"boom","errorType":"ValueError","requestId":"r1","stackTrace":[]}' });
  });

  it('treats an answer with X-Amz-Function-Error as a function error even when its body is not an error shape', async () => {
    registry['flagged'] = `${base}/flagged`;
    expect(await run(cmd('flagged', {}))).toEqual({ ok: false, error: 'Custom', cause: '{"errorType": "Custom", "detail": 1}' });
    registry['flagged'] = `${base}/echo`;
    expect(await run(cmd('flagged', { errorType: 'Custom', detail: 1 }))).toMatchObject({ ok: true, output: { errorType: 'Custom', detail: 1 } });
  });

  it('maps RIE timeouts, crashes, unknown functions and dead endpoints', async () => {
    registry['slow'] = `${base}/timeout`;
    registry['crash'] = `${base}/crash`;
    registry['dead'] = 'http://127.0.0.1:1/2015-03-31/functions/function/invocations';
    expect(await run(cmd('slow', {}))).toMatchObject({ ok: false, error: 'Sandbox.Timedout' });
    expect(await run(cmd('crash', {}))).toMatchObject({ ok: false, error: 'Lambda.Unknown' });
    const missing = await run(cmd('arn:aws:states:::lambda:invoke', { FunctionName: 'nope' }));
    expect(missing).toMatchObject({ ok: false, error: 'Lambda.ResourceNotFoundException' });
    expect((missing as { cause: string }).cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]+; Proxy: null\)$/);
    expect(await run(cmd('dead', {}))).toMatchObject({ ok: false, error: 'Lambda.SdkClientException' });
    expect(await run(cmd('arn:aws:states:::sqs:sendMessage', {}))).toMatchObject({ ok: false, error: 'States.TaskFailed' });
  });

  it('keeps at most one call in flight per endpoint and answers each caller', async () => {
    registry['echo'] = `${base}/echo`;
    maxInFlight = 0;
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => run(cmd('echo', { i }, `t${i}`))));
    expect(outs.map((o) => (o as { output: { i: number } }).output.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(maxInFlight).toBe(1);
  });

  it('reports the start of the call and honours abort while queued', async () => {
    registry['echo'] = `${base}/echo`;
    let started = 0;
    const first = dispatcher.dispatch(cmd('echo', 1), new AbortController().signal, { onStarted: () => started++ });
    const ac = new AbortController();
    const second = dispatcher.dispatch(cmd('echo', 2), ac.signal, { onStarted: () => started++ });
    ac.abort();
    expect(await first).toEqual({ ok: true, output: 1, outputText: '1' });
    expect(await second).toMatchObject({ ok: false, error: 'Lambda.SdkClientException' });
    expect(started).toBe(1);
  });

  it('lets an aborted call in flight run to its answer: the next call never overlaps it on the endpoint', async () => {
    registry['echo'] = `${base}/echo`;
    maxInFlight = 0;
    const ac = new AbortController();
    let firstStarted!: () => void;
    const sent = new Promise<void>((r) => { firstStarted = r; });
    const first = dispatcher.dispatch(cmd('echo', 1), ac.signal, { onStarted: () => firstStarted() });
    await sent;
    ac.abort();
    const second = run(cmd('echo', 2, 't2'));
    // The abandoned call still gets its (ignored) answer, and the endpoint took one call at a time throughout.
    expect(await first).toEqual({ ok: true, output: 1, outputText: '1' });
    expect(await second).toEqual({ ok: true, output: 2, outputText: '2' });
    expect(maxInFlight).toBe(1);
  });
});

describe('lambda dispatcher with function targets', () => {
  it('reports the executed version, throttles at maxConcurrency and gives up on a hung endpoint', async () => {
    const { EndpointPool } = await import('../../src/dispatch/endpoint-pool.js');
    const hung = http.createServer(() => undefined); // never answers
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/`;
    const pools = {
      echo: new EndpointPool({ endpoints: [`${base}/echo`], maxConcurrency: 1 }),
      hung: new EndpointPool({ endpoints: [hungUrl] }),
    };
    const d = createLambdaDispatcher({
      region: 'us-east-1', account: '123456789012', watchdogMarginMs: 50,
      lookup: (name, qualifier) => name === 'echo' ? { version: qualifier ?? '$LATEST', pool: pools.echo }
        : name === 'hung' ? { version: '$LATEST', pool: pools.hung, timeoutSeconds: 1 } : undefined,
    });
    try {
      const sig = new AbortController().signal;
      const [a, b] = await Promise.all([
        d.dispatch(cmd('arn:aws:states:::lambda:invoke', { FunctionName: 'echo:3', Payload: { x: 1 } }), sig),
        d.dispatch(cmd('echo', {}), sig),
      ]);
      expect((a as { output: { ExecutedVersion: string } }).output.ExecutedVersion).toBe('3');
      expect(b).toMatchObject({ ok: false, error: 'Lambda.TooManyRequestsException' });
      const t0 = Date.now();
      const h = await d.dispatch(cmd('hung', {}), sig);
      expect(h).toMatchObject({ ok: false, error: 'Sandbox.Timedout' });
      expect(JSON.parse((h as { cause: string }).cause).errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    } finally {
      d.close();
      hung.closeAllConnections();
      await new Promise<void>((r) => hung.close(() => r()));
    }
  });
});
