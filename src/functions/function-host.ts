/**
 * The built-in, RIE-compatible function host: the classic RIE invoke front
 * (`/2015-03-31/functions/function/invocations`, any method) over one execution environment that is started on
 * the first invoke (lazy init, like RIE), reused while warm, and killed + re-initialised after a timeout, a
 * crash or an init error. A dispatcher talks to it exactly as to `docker run -p 9000:8080 <lambda image>`.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEnvironment, type EnvironmentOutcome, type ExecutionEnvironment, type Invocation } from './execution-environment.js';
import { validateHostOptions } from './lambda-environment.js';
import { renderOutcome, reportLine } from './rie-response.js';
import type { FunctionHost, FunctionHostOptions, InvokeOutcome } from './types.js';

export const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

// Go's base64.StdEncoding: padded standard alphabet, nothing else (RIE answers 500 otherwise).
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

function send(res: ServerResponse, status: number, contentType: string | undefined, body: Buffer): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { 'Content-Length': body.length };
  if (contentType) headers['Content-Type'] = contentType;
  res.writeHead(status, headers);
  res.end(body);
}

/** The optional invoke headers RIE forwards; undefined when one is malformed (RIE: HTTP 500, empty body). */
function invokeHeaders(req: IncomingMessage): Omit<Invocation, 'id' | 'body' | 'deadlineMs'> | undefined {
  const h = (name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  let clientContext: string | undefined;
  const cc = h('x-amz-client-context');
  if (cc !== undefined) {
    if (!STD_BASE64.test(cc)) return undefined;
    clientContext = Buffer.from(cc, 'base64').toString('utf8');
  }
  let cognitoIdentity: string | undefined;
  const ci = h('x-amz-cognito-identity');
  if (ci !== undefined) {
    try {
      const v = JSON.parse(ci) as { cognitoIdentityId?: unknown; cognitoIdentityPoolId?: unknown };
      cognitoIdentity = JSON.stringify({ cognitoIdentityId: v.cognitoIdentityId ?? '', cognitoIdentityPoolId: v.cognitoIdentityPoolId ?? '' });
    } catch {
      return undefined;
    }
  }
  return { clientContext, cognitoIdentity, traceId: h('x-amzn-trace-id'), tenantId: h('x-amz-tenant-id') };
}

/** Starts a host for one function. Rejects with a Lambda-style message when the configuration is invalid. */
export async function startFunctionHost(opts: FunctionHostOptions): Promise<FunctionHost> {
  const problem = validateHostOptions(opts);
  if (problem) throw Object.assign(new Error(problem), { name: 'InvalidParameterValueException' });
  const o: FunctionHostOptions = { ...opts, dir: resolve(opts.dir) };
  if (!statSync(o.dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw Object.assign(new Error(`Function code folder not found: ${o.dir}`), { name: 'InvalidParameterValueException' });
  }
  const timeoutSeconds = o.timeoutSeconds ?? 3;
  const memorySize = o.memorySize ?? 128;
  const version = o.version ?? '$LATEST';
  const log = (line: string): void => {
    try { o.log?.(line); } catch { /* a throwing logger must not take the host down */ }
  };

  let env: ExecutionEnvironment | undefined;
  let busy = false;
  let closing = false;

  /** One invocation from reservation to release; the environment is torn down before the slot frees up. */
  const run = async (body: Buffer, extra: Omit<Invocation, 'id' | 'body' | 'deadlineMs'>): Promise<[InvokeOutcome, string]> => {
    const id = randomUUID();
    const start = performance.now();
    const deadlineMs = Date.now() + timeoutSeconds * 1000; // the same timer covers a cold start's init (classic RIE)
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvokeOutcome>((res) => {
      timer = setTimeout(() => res({ kind: 'timeout', timeoutSeconds }), timeoutSeconds * 1000);
    });
    let deliveredAt: number | undefined;
    const logStart = (e: ExecutionEnvironment): void => {
      if (deliveredAt !== undefined) return;
      deliveredAt = performance.now();
      e.maxMemoryUsedMb(); // sample now: a process that crashes during the call can no longer be measured
      log(`START RequestId: ${id} Version: ${version}`);
    };
    let cold = false;
    let e: ExecutionEnvironment;
    let result: EnvironmentOutcome;
    try {
      do {
        if (!env || !env.alive()) {
          await env?.destroy();
          env = await startEnvironment(o, log);
          cold = true;
        }
        const current = env;
        e = current;
        result = await Promise.race([current.invoke({ id, body, deadlineMs, ...extra }, () => logStart(current)), timedOut]);
        if (result.kind === 'lost') {
          await current.destroy();
          if (env === current) env = undefined;
          // close() killed it: do not start another environment on the way out.
          if (closing) result = { kind: 'exit', status: { code: null, signal: 'SIGKILL' }, outOfMemory: false };
        }
      } while (result.kind === 'lost');
    } finally {
      clearTimeout(timer);
    }
    const outcome: InvokeOutcome = result;
    logStart(e);
    const end = performance.now();
    const oom = outcome.kind === 'exit' && outcome.outOfMemory; // Lambda then reports the whole MemorySize as used
    const maxMemoryUsedMb = oom ? memorySize : Math.min(e.maxMemoryUsedMb() ?? memorySize, memorySize);
    if (outcome.kind === 'timeout' || outcome.kind === 'exit' || outcome.kind === 'init-error' || !e.alive()) {
      await e.destroy(); // rapid Reset: kill the runtime; the next invoke is a cold start
      if (env === e) env = undefined;
    }
    // The runtime wrote its output before reporting; give those pipe reads (same poll phase) a turn so they
    // land between START and END, as in CloudWatch.
    await new Promise((r) => setImmediate(r));
    // An init cut short by the timeout reports the whole timeout, as RIE does (a timer may fire a hair early).
    const initDone = e.initDurationMs();
    const initDurationMs = !cold ? undefined
      : initDone === undefined && outcome.kind === 'timeout' ? timeoutSeconds * 1000
      : Math.min(initDone ?? end - start, timeoutSeconds * 1000);
    const durationMs = Math.min(end - (deliveredAt ?? end), timeoutSeconds * 1000);
    log(`END RequestId: ${id}`);
    log(reportLine({ requestId: id, initDurationMs, durationMs, memorySize, maxMemoryUsedMb }));
    return [outcome, id];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.url ?? '').split('?')[0] !== INVOKE_PATH) {
      req.resume();
      return send(res, 404, 'text/plain; charset=utf-8', Buffer.from('404 page not found\n'));
    }
    const body = await readAll(req);
    if (closing) return send(res, 503, undefined, Buffer.alloc(0));
    if (busy) {
      // Stock RIE panics here (issue #97); PR #136's answer, ErrAlreadyReserved → 400, keeps the host alive.
      log('invoke rejected: an invocation is already in flight (one execution environment serves one at a time)');
      return send(res, 400, undefined, Buffer.alloc(0));
    }
    const extra = invokeHeaders(req);
    if (!extra) return send(res, 500, undefined, Buffer.alloc(0));
    busy = true;
    try {
      const [outcome, id] = await run(body, extra);
      const r = renderOutcome(outcome, id);
      send(res, r.status, r.contentType, r.body);
    } finally {
      busy = false;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`function host error: ${err instanceof Error ? err.message : String(err)}`);
      send(res, 500, undefined, Buffer.alloc(0));
    });
  });
  server.requestTimeout = 0; // a request may legitimately last the function timeout (up to 900 s)
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => res());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.address.includes(':') ? `[${addr.address}]` : addr.address;

  return {
    invokeUrl: `http://${host}:${addr.port}${INVOKE_PATH}`,
    async close() {
      if (closing) return;
      closing = true;
      await env?.destroy();
      env = undefined;
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
    },
  };
}
