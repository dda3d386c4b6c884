/**
 * HTTP trigger use cases behind `/api/triggers`: a route (method + path under `/hooks/`, `:param` segments)
 * bound to a state machine (or a version/alias ARN), and the route matching the hook middleware uses.
 */
import { isValidJsonPath } from '../asl/json-path.js';
import { machineOf, type ServiceContext } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { httpTriggersOf, type HttpTriggerRow } from '../service/http-triggers.js';

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ANY'];
const SEGMENT = /^(:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~!$&'()*+,;=@-]+)$/;
/** Where hooks live: never under /api (the management API) nor at / (the AWS protocol). */
export const HOOK_PREFIX = '/hooks/';

/** Optional JSONPaths into the execution output for the HTTP status, headers and body. */
export interface ResponseMapping {
  statusCode?: string;
  headers?: string;
  body?: string;
}

const bad = (message: string) => new ServiceError('ValidationException', message, 400);

function mapping(v: unknown): ResponseMapping | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('responseMapping must be an object { statusCode?, headers?, body? } of JSONPaths');
  const out: ResponseMapping = {};
  for (const [k, p] of Object.entries(v)) {
    if (k !== 'statusCode' && k !== 'headers' && k !== 'body') throw bad(`responseMapping.${k} is not a known member (statusCode, headers, body)`);
    if (typeof p !== 'string' || !isValidJsonPath(p)) throw bad(`responseMapping.${k} must be a JSONPath such as "$.status"`);
    out[k] = p;
  }
  return out;
}

/** Creates a trigger after validating everything (409 for a taken name or the same method + path). */
export function createHttpTrigger(ctx: ServiceContext, body: unknown): HttpTriggerRow {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const name = b['name'];
  if (typeof name !== 'string' || !NAME.test(name)) throw bad('name is required: 1-64 characters of [0-9a-zA-Z_.-]');
  const method = typeof b['method'] === 'string' ? b['method'].toUpperCase() : 'POST';
  if (!METHODS.includes(method)) throw bad(`method must be one of ${METHODS.join(', ')}`);
  const path = b['path'];
  if (typeof path !== 'string' || !path.startsWith(HOOK_PREFIX)) throw bad(`path must start with ${HOOK_PREFIX} (e.g. /hooks/orders/:id)`);
  const segments = path.slice(1).replace(/\/$/, '').split('/');
  if (!segments.every((s) => SEGMENT.test(s))) throw bad(`path '${path}' has an empty or invalid segment`);
  const smArn = b['stateMachineArn'];
  if (typeof smArn !== 'string') throw bad('stateMachineArn is required');
  machineOf(ctx, smArn);
  const responseMapping = mapping(b['responseMapping']);
  const repo = httpTriggersOf(ctx);
  if (repo.get(name)) throw new ServiceError('ConflictException', `Trigger ${name} already exists.`, 409);
  const normal = `/${segments.join('/')}`;
  const clash = repo.list().find((t) => t.path === normal && (t.method === method || t.method === 'ANY' || method === 'ANY'));
  if (clash) throw new ServiceError('ConflictException', `Trigger ${clash.name} already serves ${clash.method} ${clash.path}.`, 409);
  const row: HttpTriggerRow = {
    name, method, path: normal, smArn, responseMapping: responseMapping ? JSON.stringify(responseMapping) : null, createdMs: ctx.clock.now(),
  };
  repo.insert(row);
  return row;
}

export function getHttpTrigger(ctx: ServiceContext, name: string): HttpTriggerRow {
  const row = httpTriggersOf(ctx).get(name);
  if (!row) throw new ServiceError('ResourceNotFound', `Trigger ${name} does not exist.`, 404);
  return row;
}

export function listHttpTriggers(ctx: ServiceContext): HttpTriggerRow[] {
  return httpTriggersOf(ctx).list();
}

export function deleteHttpTrigger(ctx: ServiceContext, name: string): void {
  getHttpTrigger(ctx, name);
  httpTriggersOf(ctx).delete(name);
}

/** The REST view of a trigger. */
export function httpTriggerView(row: HttpTriggerRow) {
  return {
    name: row.name, method: row.method, path: row.path, stateMachineArn: row.smArn,
    ...(row.responseMapping !== null ? { responseMapping: JSON.parse(row.responseMapping) as ResponseMapping } : {}),
    createdAt: new Date(row.createdMs).toISOString(),
  };
}

/** Matches `path` against a trigger's pattern; the path parameters, or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.slice(1).split('/');
  const got = path.slice(1).replace(/\/$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/** The trigger serving `method path` (an exact method wins over ANY), with its path parameters. */
export function findHttpTrigger(ctx: ServiceContext, method: string, path: string): { row: HttpTriggerRow; params: Record<string, string> } | undefined {
  let any: { row: HttpTriggerRow; params: Record<string, string> } | undefined;
  for (const row of httpTriggersOf(ctx).list()) {
    if (row.method !== method && row.method !== 'ANY') continue;
    const params = matchPath(row.path, path);
    if (!params) continue;
    if (row.method === method) return { row, params };
    any ??= { row, params };
  }
  return any;
}
