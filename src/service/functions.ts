/**
 * The Lambda function registry use cases. A registration replaces any earlier one under the same name and
 * applies to calls made after it (the dispatcher looks the endpoint up at call time).
 */
import { isJsonObject } from '../util/json.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from './errors.js';

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface FunctionInfo {
  name: string;
  endpoint: string;
  updatedAt: string;
}

function info(row: { name: string; endpoint: string; updatedMs: number }): FunctionInfo {
  return { name: row.name, endpoint: row.endpoint, updatedAt: new Date(row.updatedMs).toISOString() };
}

function checkName(name: string): void {
  if (!FUNCTION_NAME.test(name)) {
    throw new ServiceError('ValidationException', `Invalid function name '${name}': 1-64 characters of [a-zA-Z0-9-_]`);
  }
}

/** Registers (or replaces) `name` → `{ endpoint }`. */
export function putFunction(ctx: ServiceContext, name: string, body: unknown): FunctionInfo {
  checkName(name);
  const endpoint = isJsonObject(body) ? body['endpoint'] : undefined;
  if (typeof endpoint !== 'string') throw new ServiceError('ValidationException', "Body must be a JSON object with a string 'endpoint'");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ServiceError('ValidationException', `Invalid endpoint URL: '${endpoint}'`);
  }
  if (url.protocol !== 'http:') throw new ServiceError('ValidationException', `Endpoint must be an http:// URL, got '${endpoint}'`);
  ctx.store.functions.put(name, endpoint, ctx.clock.now());
  return info(ctx.store.functions.get(name)!);
}

export function getFunction(ctx: ServiceContext, name: string): FunctionInfo {
  checkName(name);
  const row = ctx.store.functions.get(name);
  if (!row) throw new ServiceError('ResourceNotFound', `Function not found: '${name}'`, 404, { resourceName: name });
  return info(row);
}

export function deleteFunction(ctx: ServiceContext, name: string): void {
  checkName(name);
  if (!ctx.store.functions.delete(name)) throw new ServiceError('ResourceNotFound', `Function not found: '${name}'`, 404, { resourceName: name });
}

export function listFunctions(ctx: ServiceContext): FunctionInfo[] {
  return ctx.store.functions.list().map(info);
}
