/**
 * The basic Lambda TaskDispatcher: resolves the function from the registry, POSTs the payload to its RIE
 * endpoint (one call in flight per endpoint) and maps the answer as Step Functions does (lambda-rie.md §2).
 * Resources of other AWS services fail the task with `States.TaskFailed` (this service has no AWS behind it).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Json } from '../util/json.js';
import { EndpointPool } from './endpoint-pool.js';
import { lambdaTarget, type LambdaTarget } from './lambda-target.js';
import { RieClient } from './rie-client.js';
import { lambdaApiCause, rieOutcome, tooLarge } from './rie-outcome.js';
import type { DispatchHooks, DispatchTaskCommand, FunctionLookup, FunctionTarget, TaskDispatcher, TaskOutcome } from './types.js';
import type { CancelSignal } from './cancel-signal.js';

export interface LambdaDispatcherOptions {
  lookup: FunctionLookup;
  region: string;
  account: string;
  /** Extra time the watchdog allows beyond a function's timeout (default 5 s). */
  watchdogMarginMs?: number;
}

/** The optimized integration's result: the Invoke response as the AWS Java SDK shows it (§2.2). */
function invokeResult(payload: Json, body: string, requestId: string, logTail: boolean, version: string): Json {
  const date = new Date().toUTCString();
  const trace = `Root=1-${randomBytes(4).toString('hex')}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
  // RIE returns no logs: the tail is RIE's own START/END/REPORT lines for this request.
  const log = `START RequestId: ${requestId} Version: ${version}\nEND RequestId: ${requestId}\nREPORT RequestId: ${requestId}\n`;
  const logResult = logTail ? Buffer.from(log, 'utf8').toString('base64') : undefined;
  const headers: Record<string, string> = {
    ...(logResult !== undefined ? { 'X-Amz-Log-Result': logResult } : {}),
    'X-Amz-Executed-Version': version,
    'x-amzn-Remapped-Content-Length': '0',
    Connection: 'keep-alive',
    'x-amzn-RequestId': requestId,
    'Content-Length': String(Buffer.byteLength(body, 'utf8')),
    Date: date,
    'X-Amzn-Trace-Id': trace,
    'Content-Type': 'application/json',
  };
  const all: Record<string, Json> = {};
  for (const [k, v] of Object.entries(headers)) all[k] = [v];
  return {
    ExecutedVersion: version,
    ...(logResult !== undefined ? { LogResult: logResult } : {}),
    Payload: payload,
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** Extra time the watchdog allows beyond the function's own timeout (RIE answers its timeout itself). */
const WATCHDOG_MARGIN_MS = 5_000;
/** RIE's default function timeout (AWS_LAMBDA_FUNCTION_TIMEOUT) when a registration does not say. */
const RIE_DEFAULT_TIMEOUT_S = 300;

/** Creates the dispatcher; call `close()` to drop kept-alive sockets. */
export function createLambdaDispatcher(opts: LambdaDispatcherOptions): TaskDispatcher & { close(): void } {
  const client = new RieClient();
  // v1 registrations (a bare URL) share one single-endpoint pool per URL.
  const single = new Map<string, EndpointPool>();
  const resolve = async (t: LambdaTarget): Promise<FunctionTarget | undefined> => {
    const found = await opts.lookup(t.name, t.qualifier);
    if (typeof found !== 'string') return found;
    let pool = single.get(found);
    if (!pool) single.set(found, (pool = new EndpointPool({ endpoints: [found] })));
    return { version: t.qualifier ?? '$LATEST', pool };
  };
  const functionArn = (t: LambdaTarget) =>
    `arn:aws:lambda:${opts.region}:${opts.account}:function:${t.name}:${t.qualifier ?? '$LATEST'}`;

  async function dispatch(cmd: DispatchTaskCommand, signal: CancelSignal, hooks?: DispatchHooks): Promise<TaskOutcome> {
    const target = lambdaTarget(cmd.resource, cmd.payload);
    if (target === undefined) {
      hooks?.onStarted?.();
      return {
        ok: false,
        error: 'States.TaskFailed',
        cause: `The resource '${cmd.resource}' is not supported: this service dispatches AWS Lambda tasks only.`,
      };
    }
    const requestId = randomUUID();
    if ('invalid' in target) {
      hooks?.onStarted?.();
      const msg = `1 validation error detected: Value '${target.invalid}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`;
      return { ok: false, error: 'Lambda.AWSLambdaException', cause: lambdaApiCause(msg, 400, 'ValidationException', requestId) };
    }
    const fn = await resolve(target);
    if (fn === undefined) {
      hooks?.onStarted?.();
      const msg = `Function not found: ${functionArn(target)}`;
      return { ok: false, error: 'Lambda.ResourceNotFoundException', cause: lambdaApiCause(msg, 404, 'ResourceNotFoundException', requestId) };
    }
    const timeoutS = fn.timeoutSeconds ?? RIE_DEFAULT_TIMEOUT_S;
    const result = await fn.pool.invoke(client, target.style === 'legacy' && cmd.payloadText !== undefined ? cmd.payloadText : JSON.stringify(target.payload), signal, () => hooks?.onStarted?.(), timeoutS * 1000 + (opts.watchdogMarginMs ?? WATCHDOG_MARGIN_MS));
    if (result.kind === 'throttled') {
      hooks?.onStarted?.();
      // Lambda's 429 for reserved concurrency (lambda-rie.md §2.4): Type User, message "Rate Exceeded.".
      return { ok: false, error: 'Lambda.TooManyRequestsException', cause: lambdaApiCause('Rate Exceeded.', 429, 'TooManyRequestsException', requestId) };
    }
    if (result.kind === 'network' && result.watchdog) {
      // The endpoint outlived the function's timeout without answering: report it as Lambda reports a timeout.
      const body = { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutS.toFixed(2)} seconds` };
      return { ok: false, error: 'Sandbox.Timedout', cause: JSON.stringify(body) };
    }
    if (result.kind === 'network') {
      return { ok: false, error: 'Lambda.SdkClientException', cause: `Unable to execute HTTP request: ${result.message}` };
    }
    const { outcome, payload, jsonText } = rieOutcome(target.style, result.res, requestId);
    if (!outcome.ok || payload === undefined) return outcome;
    const output = target.style === 'invoke' ? invokeResult(payload, result.res.body, requestId, target.logTail === true, fn.version) : payload;
    if (tooLarge(JSON.stringify(output))) {
      return {
        ok: false,
        error: 'States.DataLimitExceeded',
        cause: `The state/task '${cmd.resource}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      };
    }
    // The legacy resource passes the function's bytes through (lambda-rie.md §2.1): keep the exact text.
    return target.style === 'invoke' || jsonText === undefined ? { ok: true, output } : { ok: true, output, outputText: jsonText };
  }

  return { dispatch, close: () => client.close() };
}
