/**
 * Runs a hook request: the request becomes the execution input `{ body, headers, query, pathParameters, method,
 * path }`. Standard targets answer 202 `{ executionArn, startDate }`; Express targets run synchronously and their
 * output becomes the HTTP response — an API Gateway proxy-shaped output (`statusCode`, `headers`, `body`,
 * `isBase64Encoded`) is used as such, a `responseMapping` picks the parts by JSONPath, anything else is 200 with
 * the output as JSON. A failed Express run is 502 `{ error, cause }`.
 *
 * `Idempotency-Key` names the execution, so a retried request never starts twice: for Standard targets AWS name
 * idempotency does it (a retry while RUNNING with the same input gets the same execution; otherwise
 * ExecutionAlreadyExists, answered with the existing execution); Express executions have no name uniqueness, so
 * their response is stored per key and replayed.
 */
import { createHash } from 'node:crypto';
import { evaluateJsonPath } from '../asl/json-path.js';
import { arns, parseStateMachineArn } from '../service/arns.js';
import { machineOf, type ServiceContext } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { httpTriggersOf, type HttpTriggerRow } from '../service/http-triggers.js';
import { validName } from '../service/request.js';
import type { Service } from '../service/service.js';
import type { Json } from '../util/json.js';
import { findHttpTrigger, type ResponseMapping } from './http-triggers.js';

export interface HookRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  bodyText: string;
}

export interface HookResponse {
  status: number;
  headers: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body: unknown;
}

/** The execution name for an Idempotency-Key: the key itself when AWS accepts it as a name, else its hash. */
export function idempotentName(key: string): string {
  return validName(key) ? key : `idem-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

function parseBody(text: string): Json {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringHeaders(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, h] of Object.entries(v)) if (h !== null && h !== undefined) out[k] = String(h);
  return out;
}

function validStatus(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** The HTTP response for an Express output. */
export function mapOutput(outputText: string | undefined, mapping: ResponseMapping | undefined): HookResponse {
  const output = outputText === undefined ? null : (JSON.parse(outputText) as Json);
  if (mapping) {
    const pick = (p: string | undefined) => (p === undefined ? undefined : evaluateJsonPath(p, output));
    const body = mapping.body !== undefined ? pick(mapping.body) ?? null : output;
    return { status: validStatus(pick(mapping.statusCode)) ?? 200, headers: stringHeaders(pick(mapping.headers)), body };
  }
  if (isObject(output) && validStatus(output['statusCode']) !== undefined) {
    // API Gateway Lambda proxy integration response.
    const b = output['body'];
    const body = typeof b === 'string' && output['isBase64Encoded'] === true ? Buffer.from(b, 'base64') : b ?? '';
    return { status: validStatus(output['statusCode'])!, headers: stringHeaders(output['headers']), body };
  }
  return { status: 200, headers: {}, body: output };
}

/** Runs hook requests against the stored triggers. */
export function createHookRunner(svc: Service) {
  const ctx: ServiceContext = svc.ctx;
  const inflight = new Map<string, Promise<HookResponse>>();

  async function standard(row: HttpTriggerRow, input: string, name: string | undefined): Promise<HookResponse> {
    try {
      const s = (await svc.call('StartExecution', { stateMachineArn: row.smArn, input, ...(name ? { name } : {}) })) as { executionArn: string; startDate: number };
      return { status: 202, headers: {}, body: { executionArn: s.executionArn, startDate: new Date(s.startDate).toISOString() } };
    } catch (e) {
      if (!(name && e instanceof ServiceError && e.code === 'ExecutionAlreadyExists')) throw e;
      const executionArn = arns.execution(ctx.scope, parseStateMachineArn(row.smArn).name, name);
      // Committed, or (a concurrent retry) still being committed by the runner.
      const startMs = ctx.store.executions.get(executionArn)?.startMs ?? ctx.runner.get(executionArn)?.insert?.startMs;
      if (startMs === undefined) throw e;
      return { status: 202, headers: {}, body: { executionArn, startDate: new Date(startMs).toISOString() } };
    }
  }

  async function express(row: HttpTriggerRow, input: string, key: string | undefined): Promise<HookResponse> {
    const r = (await svc.call('StartSyncExecution', { stateMachineArn: row.smArn, input, ...(key ? { name: idempotentName(key) } : {}) })) as {
      status: string; output?: string; error?: string; cause?: string;
    };
    const response = r.status === 'SUCCEEDED'
      ? mapOutput(r.output, row.responseMapping ? (JSON.parse(row.responseMapping) as ResponseMapping) : undefined)
      : { status: 502, headers: {}, body: { error: r.error ?? r.status, cause: r.cause ?? null } };
    if (key) {
      const stored = Buffer.isBuffer(response.body) ? { ...response, body: response.body.toString('base64'), base64: true } : response;
      httpTriggersOf(ctx).putResponse(row.name, key, JSON.stringify(stored), ctx.clock.now());
    }
    return response;
  }

  function replay(text: string): HookResponse {
    const r = JSON.parse(text) as HookResponse & { base64?: boolean };
    return { status: r.status, headers: r.headers, body: r.base64 ? Buffer.from(r.body as string, 'base64') : r.body };
  }

  /** Answers a hook request, or undefined when no trigger serves its method and path. */
  async function handle(req: HookRequest): Promise<HookResponse | undefined> {
    const found = findHttpTrigger(ctx, req.method, req.path);
    if (!found) return undefined;
    const { row, params } = found;
    const input = JSON.stringify({
      body: parseBody(req.bodyText), headers: req.headers, query: req.query, pathParameters: params, method: req.method, path: req.path,
    });
    const keyHeader = req.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : undefined;
    if (machineOf(ctx, row.smArn).machine.type !== 'EXPRESS') return standard(row, input, key ? idempotentName(key) : undefined);
    if (!key) return express(row, input, undefined);
    const stored = httpTriggersOf(ctx).response(row.name, key, ctx.clock.now());
    if (stored !== undefined) return replay(stored);
    const id = `${row.name}\n${key}`;
    let p = inflight.get(id);
    if (!p) {
      p = express(row, input, key).finally(() => inflight.delete(id));
      inflight.set(id, p);
    }
    return p;
  }

  return { handle };
}

export type HookRunner = ReturnType<typeof createHookRunner>;
