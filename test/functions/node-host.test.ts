/**
 * The built-in function host with Node handlers: real runtime processes (runtimes/node/bootstrap.mjs) behind
 * real HTTP, checked against the classic RIE contract (lambda-rie.md §1, §3(d)).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, invoke, startTestHost, type TestHost } from './host-helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Request ids in START order (the host logs one START per invocation). */
function startedIds(host: TestHost): string[] {
  return host.logs.flatMap((l) => /^START RequestId: (\S+) Version: \$LATEST$/.exec(l)?.[1] ?? []);
}

async function eventually(check: () => boolean, ms = 1000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

describe('node function host', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({
      functionName: 'node-basic', dir: fixture('node-basic'), runtime: 'nodejs', handler: 'index.handler',
      timeoutSeconds: 1, memorySize: 256, region: 'eu-west-1', account: '111122223333',
      environment: { GREETING: 'hello', EMPTY_VALUE: '' },
    });
  });
  afterAll(() => host.close());

  it('answers 200 with the raw JSON body, no X-Amz-Function-Error, and reuses the warm process', async () => {
    const a = await invoke(host.invokeUrl, { action: 'echo', payload: { x: 1 } });
    const b = await invoke(host.invokeUrl, { action: 'echo', payload: 2 });
    expect(a.status).toBe(200);
    expect(a.functionError).toBeNull();
    expect(a.contentType).toBe('text/plain; charset=utf-8'); // Go's sniffed type: RIE drops rapid's headers
    const [ja, jb] = [JSON.parse(a.text), JSON.parse(b.text)];
    expect(ja).toMatchObject({ got: { x: 1 }, invocations: 1 });
    expect(jb).toMatchObject({ got: 2, invocations: 2, pid: ja.pid }); // same process, module state kept
    expect(host.logs.some((l) => /^REPORT RequestId: \S+\tInit Duration: \d+\.\d\d ms\tDuration/.test(l))).toBe(true);
  });

  it('gives the handler the Lambda context object', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { a: 1 }, env: { platform: 'test' } })).toString('base64');
    const r = await invoke(host.invokeUrl, { action: 'context' }, {
      headers: { 'X-Amz-Client-Context': clientContext, 'X-Amz-Cognito-Identity': '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}' },
    });
    const ctx = JSON.parse(r.text);
    expect(ctx.awsRequestId).toMatch(UUID);
    expect(startedIds(host)).toContain(ctx.awsRequestId);
    expect(ctx).toMatchObject({
      functionName: 'node-basic',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:node-basic',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/node-basic',
      clientContext: { custom: { a: 1 }, env: { platform: 'test' } },
      identity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(ctx.logStreamName).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(ctx.remaining).toBeGreaterThan(0);
    expect(ctx.remaining).toBeLessThanOrEqual(1000);
  });

  it('passes the Lambda environment and the user variables, and nothing of the host environment', async () => {
    const keys = ['GREETING', 'EMPTY_VALUE', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_LAMBDA_LOG_GROUP_NAME', '_HANDLER', 'LAMBDA_TASK_ROOT', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'TZ', 'AWS_LAMBDA_RUNTIME_API',
      'AWS_ACCESS_KEY_ID', 'AWS_EXECUTION_ENV', 'LAMBDA_RUNTIME_DIR', 'VITEST'];
    const env = JSON.parse((await invoke(host.invokeUrl, { action: 'env', keys })).text);
    expect(env).toMatchObject({
      GREETING: 'hello', EMPTY_VALUE: '', AWS_LAMBDA_FUNCTION_NAME: 'node-basic', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256', AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/node-basic', _HANDLER: 'index.handler',
      LAMBDA_TASK_ROOT: fixture('node-basic'), AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', TZ: ':UTC',
      VITEST: null,
    });
    expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(env.AWS_ACCESS_KEY_ID).toEqual(expect.any(String));
    expect(env.AWS_EXECUTION_ENV).toMatch(/^AWS_Lambda_nodejs\d+\.x$/);
    expect(env.LAMBDA_RUNTIME_DIR).toMatch(/runtimes\/node$/);
  });

  it('returns a handler error as 200 + {errorType, errorMessage, trace}', async () => {
    const r = await invoke(host.invokeUrl, { action: 'throw' });
    expect(r.status).toBe(200);
    expect(r.functionError).toBeNull();
    const err = JSON.parse(r.text);
    expect(Object.keys(err)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(err.errorType).toBe('MyCustomError');
    expect(err.errorMessage).toBe('kaput');
    expect(err.trace[0]).toBe('MyCustomError: kaput');
    expect(err.trace[1]).toContain('node-basic/index.mjs');
    const s = await invoke(host.invokeUrl, { action: 'throw-string' });
    expect(JSON.parse(s.text)).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
  });

  it('serialises undefined as null and strings as JSON strings', async () => {
    expect((await invoke(host.invokeUrl, { action: 'undefined' })).text).toBe('null');
    expect((await invoke(host.invokeUrl, { action: 'string' })).text).toBe('"hello"');
  });

  it('relays the runtime output and writes START / END / REPORT lines', async () => {
    await invoke(host.invokeUrl, { action: 'log' });
    const id = startedIds(host).at(-1)!;
    await eventually(() => host.logs.includes('raw stderr line'));
    const mine = host.logs.filter((l) => l.includes(id) || l === 'raw stderr line');
    expect(mine[0]).toBe(`START RequestId: ${id} Version: $LATEST`);
    expect(mine[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\thello from the handler$`));
    expect(mine).toContain('raw stderr line');
    expect(mine.indexOf('raw stderr line')).toBeLessThan(mine.indexOf(`END RequestId: ${id}`));
    expect(mine.at(-2)).toBe(`END RequestId: ${id}`);
    expect(mine.at(-1)).toMatch(new RegExp(
      `^REPORT RequestId: ${id}\\t(Init Duration: \\d+\\.\\d\\d ms\\t)?Duration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\t$`));
  });

  it('accepts any method, 404s other paths, and 500s an undecodable X-Amz-Client-Context', async () => {
    const get = await fetch(host.invokeUrl);
    expect(get.status).toBe(200); // no body: the event is empty, JSON.parse fails → error JSON, still 200
    await get.text();
    const other = await fetch(host.invokeUrl.replace('/function/', '/other/'), { method: 'POST', body: '{}' });
    expect([other.status, await other.text()]).toEqual([404, '404 page not found\n']);
    const bad = await invoke(host.invokeUrl, { action: 'echo' }, { headers: { 'X-Amz-Client-Context': 'not base64!' } });
    expect([bad.status, bad.text]).toEqual([500, '']);
  });

  it('rejects a second concurrent invocation with 400 and keeps serving', async () => {
    const first = invoke(host.invokeUrl, { action: 'sleep', ms: 400 });
    await new Promise((r) => setTimeout(r, 100));
    const second = await invoke(host.invokeUrl, { action: 'echo' });
    expect([second.status, second.text]).toEqual([400, '']);
    const done = await first;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text).slept).toBe(400);
    const after = await invoke(host.invokeUrl, { action: 'echo', payload: 'after' });
    expect(after.status).toBe(200);
  });

  it('times out with a 200 text body, kills the process, and cold-starts the next call', async () => {
    const before = JSON.parse((await invoke(host.invokeUrl, { action: 'echo' })).text);
    const r = await invoke(host.invokeUrl, { action: 'sleep', ms: 5000 });
    expect(r.status).toBe(200);
    expect(r.text).toBe('Task timed out after 1.00 seconds');
    expect(r.ms).toBeGreaterThan(950);
    expect(r.ms).toBeLessThan(2500);
    expect(alive(before.pid)).toBe(false);
    const next = JSON.parse((await invoke(host.invokeUrl, { action: 'echo', payload: 'fresh' })).text);
    expect(next.pid).not.toBe(before.pid);
    expect(next.invocations).toBe(1);
  });

  it('turns process.exit(3) into 502 Runtime.ExitError, then recovers', async () => {
    const r = await invoke(host.invokeUrl, { action: 'exit', code: 3 });
    const id = startedIds(host).at(-1);
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status 3`,
    });
    const next = await invoke(host.invokeUrl, { action: 'echo' });
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text).invocations).toBe(1);
  });

  it('answers Function.ResponseSizeTooLarge for a result over 6 MiB + 100 bytes', async () => {
    const r = await invoke(host.invokeUrl, { action: 'big', bytes: 7 * 1024 * 1024 });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size (${7 * 1024 * 1024 + 2} bytes) exceeded maximum allowed payload size (6291556 bytes).`,
    });
    expect((await invoke(host.invokeUrl, { action: 'string' })).text).toBe('"hello"'); // still warm and serving
  });

  it('reports a V8 heap exhaustion (--max-old-space-size from MemorySize) as 502 Runtime.OutOfMemory', async () => {
    const r = await invoke(host.invokeUrl, { action: 'oom' });
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    const id = startedIds(host).at(-1)!;
    expect(host.logs.find((l) => l.startsWith(`REPORT RequestId: ${id}`))).toMatch(/Memory Size: 256 MB\tMax Memory Used: 256 MB\t$/);
    expect((await invoke(host.invokeUrl, { action: 'string' })).status).toBe(200);
  });

  it('fails an unserialisable result and an unhandled rejection like aws-lambda-ric', async () => {
    const big = JSON.parse((await invoke(host.invokeUrl, { action: 'bigint' })).text);
    expect(big).toMatchObject({ errorType: 'Error', errorMessage: 'Unable to stringify response body' });
    const rejected = JSON.parse((await invoke(host.invokeUrl, { action: 'reject-later' })).text);
    expect(rejected).toMatchObject({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'TypeError: nobody waits for me' });
    expect(JSON.parse((await invoke(host.invokeUrl, { action: 'echo' })).text).invocations).toBe(1); // restarted
  });

  it('loads handlers from sub-folders (path/file.export)', async () => {
    const sub = await startTestHost({ functionName: 'sub', dir: fixture('node-basic'), runtime: 'nodejs', handler: 'lib/other.handler' });
    try {
      expect(JSON.parse((await invoke(sub.invokeUrl, { a: 1 })).text)).toEqual({ from: 'lib/other', event: { a: 1 } });
    } finally {
      await sub.close();
    }
  });

  it('fails the invocation on an uncaught exception and restarts the runtime', async () => {
    const r = await invoke(host.invokeUrl, { action: 'uncaught' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ errorType: 'Error', errorMessage: 'async boom' });
    const next = JSON.parse((await invoke(host.invokeUrl, { action: 'echo' })).text);
    expect(next.invocations).toBe(1);
  });
});

describe('node callback handlers (CommonJS)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ functionName: 'node-cjs', dir: fixture('node-cjs'), runtime: 'nodejs', handler: 'index.handler' });
  });
  afterAll(() => host.close());

  it('reports callback results and errors', async () => {
    expect(JSON.parse((await invoke(host.invokeUrl, { a: 2, b: 3 })).text)).toEqual({ count: 1, sum: 5 });
    expect(JSON.parse((await invoke(host.invokeUrl, { a: 1 })).text)).toEqual({ count: 2, sum: 1 });
    const err = JSON.parse((await invoke(host.invokeUrl, { fail: true })).text);
    expect(err).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
  });

  it('waits for the event loop to drain unless callbackWaitsForEmptyEventLoop is false', async () => {
    const waited = await invoke(host.invokeUrl, { pendingTimerMs: 400 });
    expect(waited.ms).toBeGreaterThanOrEqual(380);
    const quick = await invoke(host.invokeUrl, { pendingTimerMs: 400, dontWait: true });
    expect(quick.status).toBe(200);
    expect(quick.ms).toBeLessThan(300);
  });

  it('resolves nested handler paths', async () => {
    const nested = await startTestHost({ functionName: 'nested', dir: fixture('node-cjs'), runtime: 'nodejs', handler: 'index.nested.deep.handler' });
    try {
      expect((await invoke(nested.invokeUrl, {})).text).toBe('"nested ok"');
    } finally {
      await nested.close();
    }
  });
});
