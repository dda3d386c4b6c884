/**
 * `--functions DIR`: every sub-folder of DIR that holds a handler becomes a function named after the folder.
 * Detection follows the Lambda console's defaults (index.handler for Node, lambda_function.lambda_handler for
 * Python) plus handler.py → handler.handler; an optional function.json overrides
 * {runtime, handler, timeout, memorySize, environment}.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateHostOptions } from './lambda-environment.js';
import type { FunctionRuntime, FunctionSpec } from './types.js';

const DETECT: { file: string; runtime: FunctionRuntime; handler: string }[] = [
  { file: 'index.mjs', runtime: 'nodejs', handler: 'index.handler' },
  { file: 'index.js', runtime: 'nodejs', handler: 'index.handler' },
  { file: 'index.cjs', runtime: 'nodejs', handler: 'index.handler' },
  { file: 'handler.py', runtime: 'python', handler: 'handler.handler' },
  { file: 'lambda_function.py', runtime: 'python', handler: 'lambda_function.lambda_handler' },
];

const CONFIG_KEYS = ['runtime', 'handler', 'timeout', 'memorySize', 'environment'];

/** `nodejs`, `nodejs20.x`, `python`, `python3.12` → our runtime family. */
function runtimeFamily(value: unknown): FunctionRuntime | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^nodejs(\d+\.x)?$/.test(value)) return 'nodejs';
  if (/^python(3(\.\d+)?)?$/.test(value)) return 'python';
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function readConfig(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path}: must be a JSON object`);
  const unknown = Object.keys(parsed).filter((k) => !CONFIG_KEYS.includes(k));
  if (unknown.length > 0) throw new Error(`${path}: unknown field(s) ${unknown.join(', ')} (allowed: ${CONFIG_KEYS.join(', ')})`);
  return parsed as Record<string, unknown>;
}

/** Builds one spec from a folder, or undefined when the folder holds no handler. Throws on a bad function.json. */
async function specFor(dir: string, name: string): Promise<FunctionSpec | undefined> {
  const configPath = join(dir, 'function.json');
  const config = await readConfig(configPath);
  let detected: (typeof DETECT)[number] | undefined;
  for (const d of DETECT) if (await exists(join(dir, d.file))) { detected = d; break; }
  const runtime = config?.['runtime'] !== undefined ? runtimeFamily(config['runtime']) : detected?.runtime;
  if (config?.['runtime'] !== undefined && runtime === undefined) {
    throw new Error(`${configPath}: unsupported runtime ${JSON.stringify(config['runtime'])} (nodejs or python)`);
  }
  const handler = config?.['handler'] ?? (detected && detected.runtime === runtime ? detected.handler : undefined);
  if (runtime === undefined || handler === undefined) {
    if (config) throw new Error(`${configPath}: cannot tell the runtime and handler; set "runtime" and "handler"`);
    return undefined;
  }
  const spec: FunctionSpec = { functionName: name, dir, runtime, handler: handler as string };
  if (config?.['timeout'] !== undefined) spec.timeoutSeconds = config['timeout'] as number;
  if (config?.['memorySize'] !== undefined) spec.memorySize = config['memorySize'] as number;
  if (config?.['environment'] !== undefined) spec.environment = config['environment'] as Record<string, string>;
  if (typeof spec.handler !== 'string' || (spec.environment !== undefined && (typeof spec.environment !== 'object' || spec.environment === null || Array.isArray(spec.environment)))) {
    throw new Error(`${configPath}: "handler" must be a string and "environment" an object of strings`);
  }
  const problem = validateHostOptions(spec);
  if (problem) throw new Error(`${configPath}: ${problem}`);
  return spec;
}

/** Every function under `dir`, sorted by name. Folders without a handler are skipped; a bad function.json throws. */
export async function scanFunctionsDir(dir: string): Promise<FunctionSpec[]> {
  const root = resolve(dir);
  const entries = await readdir(root, { withFileTypes: true });
  const specs: FunctionSpec[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
    const spec = await specFor(join(root, e.name), e.name);
    if (spec) specs.push(spec);
  }
  return specs.sort((a, b) => (a.functionName < b.functionName ? -1 : a.functionName > b.functionName ? 1 : 0));
}
