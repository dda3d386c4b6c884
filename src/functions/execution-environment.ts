/**
 * One Lambda execution environment: a runtime process plus the Lambda Runtime API it polls
 * (`/2018-06-01/runtime/*`, RIE internal/lambda/rapi). Each environment gets its own loopback port, so a
 * killed process can never reach the next environment's invocations. Strictly one invocation at a time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { functionArn, logStreamName, runtimeEnvironment } from './lambda-environment.js';
import { MAX_PAYLOAD_BYTES } from './rie-response.js';
import { executionEnv, runtimeDir, spawnRuntime, type RuntimeProcess } from './runtime-process.js';
import type { FunctionHostOptions, InvokeOutcome } from './types.js';

/** An invocation as the Runtime API hands it to the runtime (`/next` body and `Lambda-Runtime-*` headers). */
export interface Invocation {
  id: string;
  body: Buffer;
  deadlineMs: number;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
}

/**
 * `lost`: a warm runtime died between invocations (e.g. it exits right after reporting an uncaught exception)
 * before it took this one from `/next`. Not this invocation's failure: the host re-inits and delivers it again,
 * as rapid re-initialises a dead sandbox on the next invoke.
 */
export type EnvironmentOutcome = InvokeOutcome | { kind: 'lost' };

export interface ExecutionEnvironment {
  /** Runs one invocation; `onDelivered` fires when the runtime has taken it from `/next`. */
  invoke(inv: Invocation, onDelivered: () => void): Promise<EnvironmentOutcome>;
  /** Spawn → first `/next`, once the runtime got there. */
  initDurationMs(): number | undefined;
  alive(): boolean;
  maxMemoryUsedMb(): number | undefined;
  /** Kills the process group and closes the Runtime API. Idempotent. */
  destroy(): Promise<void>;
}

interface Slot {
  inv: Invocation;
  delivered: boolean;
  done: boolean;
  onDelivered: () => void;
  settle: (o: EnvironmentOutcome) => void;
}

const NEXT = '/2018-06-01/runtime/invocation/next';
const INIT_ERROR = '/2018-06-01/runtime/init/error';
const RESULT = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function safeDecode(segment: string): string {
  try { return decodeURIComponent(segment); } catch { return segment; }
}

/** Reads a request body, keeping at most `cap` bytes but counting all of them. */
function readBody(req: IncomingMessage, cap: number): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (size < cap) chunks.push(c.subarray(0, cap - size));
      size += c.length;
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), size }));
    req.on('error', reject);
  });
}

/** Starts the Runtime API on 127.0.0.1:0 and spawns the runtime process against it (a cold start). */
export async function startEnvironment(o: FunctionHostOptions, log: (line: string) => void): Promise<ExecutionEnvironment> {
  const spawnedAt = performance.now();
  let initDoneAt: number | undefined;
  let initError = false;
  let slot: Slot | undefined;
  let lastDoneId: string | undefined;
  let parked: ServerResponse | undefined;
  let dead = false;
  const arn = functionArn(o);

  const deliver = (res: ServerResponse, s: Slot): void => {
    const h: Record<string, string> = {
      // Without Content-Type the native aws-lambda-ric hangs on /next (lambda-rie.md §1.10).
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': s.inv.id,
      'Lambda-Runtime-Deadline-Ms': String(s.inv.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': arn,
    };
    if (s.inv.traceId) h['Lambda-Runtime-Trace-Id'] = s.inv.traceId;
    if (s.inv.clientContext) h['Lambda-Runtime-Client-Context'] = s.inv.clientContext;
    if (s.inv.cognitoIdentity) h['Lambda-Runtime-Cognito-Identity'] = s.inv.cognitoIdentity;
    if (s.inv.tenantId) h['Lambda-Runtime-Aws-Tenant-Id'] = s.inv.tenantId;
    const body = s.inv.body.subarray(0, MAX_PAYLOAD_BYTES); // rapid truncates silently (io.LimitReader)
    res.writeHead(200, { ...h, 'Content-Length': body.length });
    res.end(body);
    s.delivered = true;
    s.onDelivered();
  };

  const finish = (s: Slot, outcome: EnvironmentOutcome): void => {
    if (s.done) return;
    s.done = true;
    lastDoneId = s.inv.id;
    if (slot === s) slot = undefined;
    s.settle(outcome);
  };

  const onNext = (res: ServerResponse): void => {
    initDoneAt ??= performance.now();
    if (slot && slot.delivered && !slot.done) {
      reply(res, 403, { errorMessage: 'State transition is not allowed: the current invocation has no result yet', errorType: 'InvalidStateTransition' });
      return;
    }
    if (parked && !parked.destroyed) {
      reply(res, 403, { errorMessage: 'A /next request is already pending', errorType: 'InvalidStateTransition' });
      return;
    }
    if (slot && !slot.delivered) return deliver(res, slot);
    parked = res;
    res.on('close', () => { if (parked === res) parked = undefined; });
  };

  const onResult = async (req: IncomingMessage, res: ServerResponse, id: string, kind: string): Promise<void> => {
    const { body, size } = await readBody(req, MAX_PAYLOAD_BYTES);
    const s = slot;
    if (!s || s.inv.id !== id || !s.delivered) {
      if (id === lastDoneId) reply(res, 403, { errorMessage: 'State transition is not allowed: result already sent', errorType: 'InvalidStateTransition' });
      else reply(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
      return;
    }
    if (kind === 'response' && size > MAX_PAYLOAD_BYTES) {
      reply(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' });
      return finish(s, { kind: 'response-too-large', size });
    }
    reply(res, 202, { status: 'OK' });
    finish(s, kind === 'response' ? { kind: 'response', body } : { kind: 'error', body });
  };

  const onInitError = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { body } = await readBody(req, MAX_PAYLOAD_BYTES);
    if (initDoneAt !== undefined || initError) {
      reply(res, 403, { errorMessage: 'State transition is not allowed: init already completed', errorType: 'InvalidStateTransition' });
      return;
    }
    initError = true;
    reply(res, 202, { status: 'OK' });
    if (slot) finish(slot, { kind: 'init-error', body });
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const m = RESULT.exec(path);
    const route = req.method === 'GET' && path === NEXT ? Promise.resolve(onNext(res))
      : req.method === 'POST' && m ? onResult(req, res, safeDecode(m[1] ?? ''), m[2] ?? '')
      : req.method === 'POST' && path === INIT_ERROR ? onInitError(req, res)
      : req.method === 'GET' && path === '/2018-06-01/ping' ? Promise.resolve(reply(res, 200, { status: 'OK' }))
      : Promise.resolve(reply(res, 404, { errorMessage: 'Not found', errorType: 'NotFound' }));
    route.catch(() => res.destroy());
  });
  server.keepAliveTimeout = 0; // the runtime keeps one connection for its whole life
  server.requestTimeout = 0; // and may sit in /next for as long as the environment stays warm
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const proc: RuntimeProcess = spawnRuntime({
    runtime: o.runtime,
    ...(o.command ? { command: o.command } : {}),
    memorySize: o.memorySize ?? 128,
    cwd: o.dir,
    python: o.python ?? 'python3',
    log,
    env: runtimeEnvironment({
      options: o,
      runtimeApi: `127.0.0.1:${port}`,
      runtimeDir: runtimeDir(o.runtime),
      executionEnv: executionEnv(o.runtime),
      logStream: logStreamName(o.version ?? '$LATEST', new Date()),
    }),
  });

  const closeServer = (): Promise<void> => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

  void proc.exited.then((status) => {
    dead = true;
    // Exit while an invocation is open = crash (rapid: ErrInvokeDoneFailed / Runtime.ExitError).
    if (slot && !slot.delivered && initDoneAt !== undefined) finish(slot, { kind: 'lost' });
    else if (slot) finish(slot, { kind: 'exit', status, outOfMemory: proc.outOfMemory() });
    void closeServer();
  });

  let destroyed: Promise<void> | undefined;
  return {
    invoke(inv, onDelivered) {
      return new Promise<EnvironmentOutcome>((settle) => {
        const s: Slot = { inv, delivered: false, done: false, onDelivered, settle };
        if (dead) return settle({ kind: 'lost' });
        slot = s;
        if (parked && !parked.destroyed) {
          const res = parked;
          parked = undefined;
          deliver(res, s);
        }
      });
    },
    initDurationMs: () => (initDoneAt === undefined ? undefined : initDoneAt - spawnedAt),
    alive: () => !dead && !initError,
    maxMemoryUsedMb: () => proc.maxMemoryUsedMb(),
    destroy() {
      destroyed ??= (async () => {
        dead = true;
        await proc.kill();
        await closeServer();
      })();
      return destroyed;
    },
  };
}
