/**
 * The body of `PUT /api/functions/{name}`, checked with Lambda's rules before anything is stored: exactly one of
 * `endpoint` / `endpoints` (RIE containers) / `path` (a code folder for the built-in host), plus `timeout`
 * (1–900 s), `memorySize` (128–10240 MB), `environment` (keys `[a-zA-Z]([a-zA-Z0-9_])+`, no reserved key, ≤ 4 KB),
 * `maxConcurrency` (reserved concurrency, 0–1000) and `warm` (environments started ahead of the first call).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ServiceError } from './errors.js';

export type FunctionRuntimeName = 'nodejs' | 'python';

/** A stored registration (normalised: `endpoint` becomes `endpoints`, `path` absolute). */
export interface FunctionConfig {
  endpoints?: string[];
  path?: string;
  runtime?: FunctionRuntimeName;
  handler?: string;
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  maxConcurrency?: number;
  warm?: number;
}

const KEYS = ['endpoint', 'endpoints', 'path', 'runtime', 'handler', 'timeout', 'memorySize', 'environment', 'maxConcurrency', 'warm'];
// Lambda's reserved environment keys (configuration-envvars.html).
const RESERVED = new Set(['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'TZ']);
const DEFAULT_HANDLER: Record<FunctionRuntimeName, string> = { nodejs: 'index.handler', python: 'lambda_function.lambda_handler' };

const bad = (message: string) => new ServiceError('InvalidParameterValueException', message);

function int(body: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`'${key}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function url(text: unknown): string {
  if (typeof text !== 'string') throw bad(`An endpoint must be a string URL, got ${JSON.stringify(text)}`);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw bad(`Invalid endpoint URL: '${text}'`);
  }
  if (u.protocol !== 'http:') throw bad(`Endpoint must be an http:// URL, got '${text}'`);
  return text;
}

function runtimeOf(v: unknown): FunctionRuntimeName {
  if (typeof v === 'string' && /^nodejs(\d+\.x)?$/.test(v)) return 'nodejs';
  if (typeof v === 'string' && /^python(3(\.\d+)?)?$/.test(v)) return 'python';
  throw bad(`'runtime' must be "nodejs" or "python" (or nodejsNN.x / python3.NN), got ${JSON.stringify(v)}`);
}

function environmentOf(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad("'environment' must be an object of string values");
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw bad(`Environment variable '${k}' must be a string`);
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) throw bad(`Environment variable name '${k}' must match [a-zA-Z]([a-zA-Z0-9_])+`);
    env[k] = val;
  }
  const reserved = Object.keys(env).filter((k) => RESERVED.has(k));
  if (reserved.length > 0) throw bad(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
  if (Buffer.byteLength(JSON.stringify(env), 'utf8') > 4096) throw bad('Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.');
  return env;
}

/** Validates and normalises a registration body; throws InvalidParameterValueException (HTTP 400). */
export function parseFunctionConfig(body: unknown): FunctionConfig {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad("Body must be a JSON object with 'endpoint', 'endpoints' or 'path'");
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw bad(`Unknown field(s) ${unknown.join(', ')} (allowed: ${KEYS.join(', ')})`);
  const kinds = ['endpoint', 'endpoints', 'path'].filter((k) => b[k] !== undefined);
  if (kinds.length !== 1) throw bad("Exactly one of 'endpoint', 'endpoints' or 'path' is required");
  const cfg: FunctionConfig = {};
  if (b['endpoint'] !== undefined) cfg.endpoints = [url(b['endpoint'])];
  if (b['endpoints'] !== undefined) {
    const list = b['endpoints'];
    if (!Array.isArray(list) || list.length === 0) throw bad("'endpoints' must be a non-empty array of URLs");
    cfg.endpoints = list.map(url);
    if (new Set(cfg.endpoints).size !== cfg.endpoints.length) throw bad("'endpoints' lists the same URL twice");
  }
  if (b['path'] !== undefined) {
    if (typeof b['path'] !== 'string' || b['path'] === '') throw bad("'path' must be a folder path");
    const dir = resolve(b['path']);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw bad(`'path' is not a folder: '${b['path']}'`);
    cfg.path = dir;
    cfg.runtime = runtimeOf(b['runtime'] ?? 'nodejs');
    const handler = b['handler'] ?? DEFAULT_HANDLER[cfg.runtime];
    if (typeof handler !== 'string' || !/^[^\s.][^\s]*\.[^\s.]+$/.test(handler)) throw bad(`'handler' must look like file.function, got ${JSON.stringify(handler)}`);
    cfg.handler = handler;
  } else if (b['runtime'] !== undefined || b['handler'] !== undefined || b['warm'] !== undefined) {
    throw bad("'runtime', 'handler' and 'warm' apply to path-based functions only");
  }
  const timeout = int(b, 'timeout', 1, 900);
  const memorySize = int(b, 'memorySize', 128, 10240);
  const maxConcurrency = int(b, 'maxConcurrency', 0, 1000);
  const warm = int(b, 'warm', 0, maxConcurrency ?? 100);
  const environment = environmentOf(b['environment']);
  if (timeout !== undefined) cfg.timeout = timeout;
  if (memorySize !== undefined) cfg.memorySize = memorySize;
  if (environment !== undefined) cfg.environment = environment;
  if (maxConcurrency !== undefined) cfg.maxConcurrency = maxConcurrency;
  if (warm !== undefined) cfg.warm = warm;
  return cfg;
}

/** A stored row's configuration (rows from before migration 2 hold only the endpoint). */
export function storedConfig(row: { endpoint: string; config: string | null }): FunctionConfig {
  return row.config ? (JSON.parse(row.config) as FunctionConfig) : { endpoints: [row.endpoint] };
}
