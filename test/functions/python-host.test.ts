/**
 * The built-in function host with Python handlers (runtimes/python/bootstrap.py, stdlib only): awslambdaric's
 * shapes and formatting, behind the classic RIE contract. Where the conformance corpus's reference host
 * (../shared/conformance/lambda_host.py, AWS-recorded error formatting) is present, bodies are compared with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, invoke, startTestHost, type TestHost } from './host-helpers.js';

const REFERENCE_HOST = fileURLToPath(new URL('../../../shared/conformance/lambda_host.py', import.meta.url));

function lastStartedId(host: TestHost): string | undefined {
  return host.logs.flatMap((l) => /^START RequestId: (\S+)/.exec(l)?.[1] ?? []).at(-1);
}

async function initError(dir: string, handler: string): Promise<{ status: number; text: string }> {
  const host = await startTestHost({ functionName: 'broken', dir: fixture(dir), runtime: 'python', handler });
  try {
    const r = await invoke(host.invokeUrl, {});
    return { status: r.status, text: r.text };
  } finally {
    await host.close();
  }
}

describe('python function host', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({
      functionName: 'py-basic', dir: fixture('py-basic'), runtime: 'python', handler: 'handler.handler',
      timeoutSeconds: 1, environment: { STAGE: 'test' },
    });
  });
  afterAll(() => host.close());

  it('serialises results like awslambdaric (", " and ": " separators) and reuses the warm process', async () => {
    const a = await invoke(host.invokeUrl, { action: 'echo', payload: [1, 'x'] });
    const b = await invoke(host.invokeUrl, { action: 'echo', payload: null });
    expect(a.status).toBe(200);
    expect(a.functionError).toBeNull();
    expect(a.text).toMatch(/^\{"got": \[1, "x"\], "invocations": 1, "pid": \d+\}$/);
    const [ja, jb] = [JSON.parse(a.text), JSON.parse(b.text)];
    expect(jb.invocations).toBe(2);
    expect(jb.pid).toBe(ja.pid);
  });

  it('serialises None, non-ASCII text and bytes like the AWS runtime', async () => {
    expect((await invoke(host.invokeUrl, { action: 'none' })).text).toBe('null');
    expect((await invoke(host.invokeUrl, { action: 'unicode' })).text).toBe('{"text": "héllo ✓"}');
    expect((await invoke(host.invokeUrl, { action: 'bytes' })).text).toBe('raw-bytes');
  });

  it('reports an unserialisable result as Runtime.MarshalError', async () => {
    const err = JSON.parse((await invoke(host.invokeUrl, { action: 'set' })).text);
    expect(err).toMatchObject({ errorType: 'Runtime.MarshalError', errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable', stackTrace: [] });
  });

  it('gives the handler the Lambda context and environment', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64');
    const ctx = JSON.parse((await invoke(host.invokeUrl, { action: 'context' }, { headers: { 'X-Amz-Client-Context': clientContext } })).text);
    expect(ctx).toMatchObject({
      aws_request_id: lastStartedId(host),
      function_name: 'py-basic',
      function_version: '$LATEST',
      invoked_function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:py-basic',
      memory_limit_in_mb: '128',
      log_group_name: '/aws/lambda/py-basic',
      client_context_custom: { k: 'v' },
    });
    expect(ctx.remaining).toBeGreaterThan(0);
    expect(ctx.remaining).toBeLessThanOrEqual(1000);
    const env = JSON.parse((await invoke(host.invokeUrl, { action: 'env', keys: ['STAGE', 'TZ', 'AWS_EXECUTION_ENV', 'LAMBDA_TASK_ROOT'] })).text);
    expect(env).toMatchObject({ STAGE: 'test', TZ: ':UTC', LAMBDA_TASK_ROOT: fixture('py-basic') });
    expect(env.AWS_EXECUTION_ENV).toMatch(/^AWS_Lambda_python3\.\d+$/);
  });

  it('returns handler errors in the python3.12 shape with /var/task frames', async () => {
    const r = await invoke(host.invokeUrl, { action: 'raise' });
    expect(r.status).toBe(200);
    expect(r.functionError).toBeNull();
    const id = lastStartedId(host);
    expect(r.text).toBe(
      `{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "${id}", ` +
      '"stackTrace": ["  File \\"/var/task/handler.py\\", line 37, in handler\\n    raise Exception(\\"Some exception was raised.\\")\\n"]}',
    );
    const custom = JSON.parse((await invoke(host.invokeUrl, { action: 'custom' })).text);
    expect(custom).toMatchObject({ errorType: 'CustomException', errorMessage: 'custom failure' });
  });

  it('logs print() output between START and END', async () => {
    await invoke(host.invokeUrl, { action: 'log' });
    const id = lastStartedId(host)!;
    const from = host.logs.indexOf(`START RequestId: ${id} Version: $LATEST`);
    const mine = host.logs.slice(from);
    expect(mine).toContain('hello from python');
    expect(mine).toContain(`END RequestId: ${id}`);
    expect(mine.some((l) => l.startsWith(`REPORT RequestId: ${id}\tDuration: `))).toBe(true);
  });

  it('times out with the RIE text body and cold-starts the next call', async () => {
    const before = JSON.parse((await invoke(host.invokeUrl, { action: 'echo' })).text);
    const r = await invoke(host.invokeUrl, { action: 'sleep', ms: 5000 });
    expect([r.status, r.text]).toEqual([200, 'Task timed out after 1.00 seconds']);
    const after = JSON.parse((await invoke(host.invokeUrl, { action: 'echo' })).text);
    expect(after.pid).not.toBe(before.pid);
    expect(after.invocations).toBe(1);
  });

  it('turns sys.exit(3) into 502 Runtime.ExitError', async () => {
    const r = await invoke(host.invokeUrl, { action: 'exit', code: 3 });
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${lastStartedId(host)} Error: Runtime exited with error: exit status 3`,
    });
    expect((await invoke(host.invokeUrl, { action: 'echo' })).status).toBe(200);
  });
});

describe('python init errors', () => {
  it('counts init against the function timeout, as classic RIE does', async () => {
    const host = await startTestHost({ functionName: 'slow', dir: fixture('py-slow-init'), runtime: 'python', handler: 'handler.handler', timeoutSeconds: 1 });
    try {
      const r = await invoke(host.invokeUrl, {});
      expect([r.status, r.text]).toEqual([200, 'Task timed out after 1.00 seconds']);
      expect(host.logs.some((l) => /^REPORT RequestId: \S+\tInit Duration: 1000\.00 ms\t/.test(l))).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('reports an import error as Runtime.ImportModuleError (502)', async () => {
    const r = await initError('py-import-error', 'handler.handler');
    expect(r.status).toBe(502);
    expect(r.text).toBe('{"errorMessage": "Unable to import module \'handler\': No module named \'not_a_real_module_xyz\'", ' +
      '"errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}');
    const missingFile = JSON.parse((await initError('py-basic', 'nothere.handler')).text);
    expect(missingFile).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'nothere': No module named 'nothere'" });
  });

  it('reports a missing handler, a syntax error and a malformed handler name', async () => {
    expect(JSON.parse((await initError('py-basic', 'handler.nope')).text))
      .toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: "Handler 'nope' missing on module 'handler'" });
    const syntax = JSON.parse((await initError('py-syntax-error', 'handler.handler')).text);
    expect(syntax.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(syntax.errorMessage).toMatch(/^Syntax error in module 'handler': /);
    expect(syntax.stackTrace[0]).toMatch(/^ {2}File "\/var\/task\/handler\.py" Line 1\n/);
    expect(JSON.parse((await initError('py-basic', 'handler')).text))
      .toMatchObject({ errorType: 'Runtime.MalformedHandlerName', errorMessage: "Bad handler 'handler': not enough values to unpack (expected 2, got 1)" });
  });
});

/** The corpus's reference host, started as lib/lambda-hosts.mjs does. */
async function startReference(dir: string, handler: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn('python3', [REFERENCE_HOST, '--dir', dir, '--handler', handler, '--function-name', 'ref'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => { buf += d.toString(); if (buf.includes('\n')) resolve(buf.split('\n')[0]!); });
    child.once('exit', () => reject(new Error('reference host exited')));
  });
  const { port } = JSON.parse(line) as { port: number };
  return { url: `http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`, child };
}

describe.skipIf(!existsSync(REFERENCE_HOST))('python bodies match the conformance reference host', () => {
  const cases: [string, string, unknown][] = [
    ['py-basic', 'handler.handler', { action: 'raise' }],
    ['py-basic', 'handler.handler', { action: 'custom' }],
    ['py-basic', 'handler.handler', { action: 'echo', payload: { nested: [1, 2.5, 'é'] } }],
    ['py-import-error', 'handler.handler', {}],
    ['py-basic', 'handler.nope', {}],
    ['py-lambda-function', 'lambda_function.lambda_handler', {}],
  ];
  it.each(cases)('%s %s %j', async (dir, handler, event) => {
    const ours = await startTestHost({ functionName: 'ours', dir: fixture(dir), runtime: 'python', handler });
    const ref = await startReference(fixture(dir), handler);
    try {
      const [a, b] = [await invoke(ours.invokeUrl, event), await invoke(ref.url, event)];
      const normalise = (t: string): string => t.replace(/"requestId": "[0-9a-f-]{36}"/, '"requestId": "<id>"').replace(/"pid": \d+/, '"pid": 0');
      expect(a.status).toBe(b.status);
      expect(normalise(a.text)).toBe(normalise(b.text));
    } finally {
      ref.child.kill('SIGKILL');
      await ours.close();
    }
  });
});
