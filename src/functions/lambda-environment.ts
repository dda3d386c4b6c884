/**
 * The environment a Lambda runtime process sees (RIE's InitHandler + rapidcore/env, Lambda's documented
 * defined runtime variables) and the validation Lambda applies to user variables and limits.
 */
import { randomBytes } from 'node:crypto';
import type { FunctionHostOptions } from './types.js';

/** Keys Lambda refuses in `Environment.Variables` (docs: configuration-envvars.html, "Reserved"). */
export const RESERVED_ENV_KEYS: readonly string[] = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'TZ',
];

const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Lambda's limit on the whole variable set, measured over keys and values. */
const MAX_ENV_BYTES = 4096;

/** The messages Lambda's CreateFunction gives (InvalidParameterValueException / ValidationException). */
export function validateEnvironment(env: Record<string, string>): string | undefined {
  const keys = Object.keys(env);
  const badKeys = keys.filter((k) => !ENV_KEY.test(k));
  if (badKeys.length > 0) {
    return "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys " +
      `must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+] (keys: ${badKeys.join(', ')})`;
  }
  const reserved = keys.filter((k) => RESERVED_ENV_KEYS.includes(k));
  if (reserved.length > 0) {
    return 'Lambda was unable to configure your environment variables because the environment variables you have ' +
      `provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`;
  }
  const badValues = keys.filter((k) => typeof env[k] !== 'string');
  if (badValues.length > 0) return `Environment variable values must be strings (keys: ${badValues.join(', ')})`;
  const size = Buffer.byteLength(JSON.stringify(env));
  if (size > MAX_ENV_BYTES) {
    return 'Lambda was unable to configure your environment variables because the environment variables you have ' +
      `provided exceeded the 4KB limit. String measured: ${size} bytes`;
  }
  return undefined;
}

/** Every configuration problem of a host's options, as one message; undefined when the options are valid. */
export function validateHostOptions(o: FunctionHostOptions): string | undefined {
  if (!FUNCTION_NAME.test(o.functionName)) return `Invalid function name '${o.functionName}': 1-64 characters of [a-zA-Z0-9-_]`;
  if (o.runtime !== 'nodejs' && o.runtime !== 'python') return `Unsupported runtime '${String(o.runtime)}' (nodejs or python)`;
  if (typeof o.handler !== 'string' || o.handler.length === 0 || o.handler.length > 128) {
    return 'Handler must be a string of 1-128 characters';
  }
  const t = o.timeoutSeconds;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 900)) return `Timeout must be an integer from 1 to 900 seconds, got ${t}`;
  const m = o.memorySize;
  if (m !== undefined && (!Number.isInteger(m) || m < 128 || m > 10240)) return `MemorySize must be an integer from 128 to 10240 MB, got ${m}`;
  if (o.command !== undefined && (!Array.isArray(o.command) || o.command.length === 0 || o.command.some((c) => typeof c !== 'string'))) {
    return 'command must be a non-empty array of strings';
  }
  return o.environment ? validateEnvironment(o.environment) : undefined;
}

/** Lambda's stream name shape: `2024/05/06/[$LATEST]<32 hex>`, new for every execution environment. */
export function logStreamName(version: string, now: Date): string {
  const d = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${d}/[${version}]${randomBytes(16).toString('hex')}`;
}

export interface RuntimeEnvInput {
  options: FunctionHostOptions;
  runtimeApi: string;
  runtimeDir: string;
  executionEnv: string;
  logStream: string;
}

/**
 * The process environment of a runtime. Unlike RIE (which forwards the whole container environment) only PATH
 * and LANG come from the host, so the service's own secrets never leak into user code.
 */
export function runtimeEnvironment(i: RuntimeEnvInput): Record<string, string> {
  const o = i.options;
  const region = o.region ?? 'us-east-1';
  return {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    // /var/task is read-only in Lambda, so no __pycache__ appears next to the user's code there either.
    PYTHONDONTWRITEBYTECODE: '1',
    ...o.environment,
    _HANDLER: o.handler,
    AWS_EXECUTION_ENV: i.executionEnv,
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: o.version ?? '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memorySize ?? 128),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: i.logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_RUNTIME_API: i.runtimeApi,
    LAMBDA_TASK_ROOT: o.dir,
    LAMBDA_RUNTIME_DIR: i.runtimeDir,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // Dummy credentials: SDK clients construct without touching a real account (point them at local endpoints).
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'local-function-host',
    TZ: ':UTC',
  };
}

/** The function's ARN as the runtime sees it in `Lambda-Runtime-Invoked-Function-Arn`. */
export function functionArn(o: FunctionHostOptions): string {
  return `arn:aws:lambda:${o.region ?? 'us-east-1'}:${o.account ?? '123456789012'}:function:${o.functionName}`;
}
