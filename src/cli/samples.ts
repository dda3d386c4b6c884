/**
 * `asl serve --samples DIR`: loads the bundled samples into a running service. Every `DIR/<name>/` folder with a
 * `statemachine.asl.json` becomes a state machine, and its `functions/<fn>/` folders become Lambda functions
 * served by the built-in host (one host per function) and registered under their folder name. Every top-level
 * `DIR/*.asl.json` becomes a state machine without functions. Loading is idempotent across restarts: an
 * unchanged machine is left alone (CreateStateMachine is idempotent for an identical request, sfn-api.md §2.6),
 * a changed one gets UpdateStateMachine. A broken sample is logged and skipped, never fatal.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { scanFunctionsDir, startFunctionPool } from '../functions/index.js';
import { arns } from '../service/arns.js';
import { deleteFunction, putFunction } from '../service/functions.js';
import type { Service } from '../service/service.js';

export interface LoadSamplesOptions {
  log?: (s: string) => void;
  /** Where the sample functions keep their files (their env ASL_SAMPLES_DATA); default ./data/samples. */
  dataDir?: string;
}

export interface LoadedSamples {
  loaded: { stateMachineArn: string; name: string }[];
  close(): Promise<void>;
}

interface SampleSpec {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: string;
  /** Execution environments per function (sample.json `concurrency`, default 1): one call at a time each. */
  concurrency?: Record<string, number>;
}

interface Closable {
  close(): Promise<void>;
}

const errorText = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: string }).code ?? e.name;
  return e.message.startsWith(code) ? e.message : `${code}: ${e.message}`;
};
const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);
const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** Reads `statemachine.asl.json` and the optional `sample.json` of one sample folder; throws with the file named. */
async function readSample(dir: string, folder: string): Promise<SampleSpec> {
  const definitionPath = join(dir, 'statemachine.asl.json');
  if (!(await isFile(definitionPath))) throw new Error('no statemachine.asl.json in the folder');
  const definition = await readFile(definitionPath, 'utf8');
  try {
    JSON.parse(definition);
  } catch (e) {
    throw new Error(`${definitionPath}: not valid JSON (${(e as Error).message})`);
  }
  const metaPath = join(dir, 'sample.json');
  let meta: Record<string, unknown> = {};
  if (await isFile(metaPath)) {
    const parsed: unknown = JSON.parse(await readFile(metaPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${metaPath}: must be a JSON object`);
    meta = parsed as Record<string, unknown>;
  }
  const name = meta['name'] ?? folder;
  const type = meta['type'] ?? 'STANDARD';
  if (typeof name !== 'string') throw new Error(`${metaPath}: "name" must be a string`);
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new Error(`${metaPath}: "type" must be STANDARD or EXPRESS`);
  const concurrency = meta['concurrency'] ?? {};
  if (typeof concurrency !== 'object' || concurrency === null || Array.isArray(concurrency) ||
    !Object.values(concurrency).every((n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 16)) {
    throw new Error(`${metaPath}: "concurrency" must map function names to integers from 1 to 16`);
  }
  return { name, type, definition, concurrency: concurrency as Record<string, number> };
}

/** Creates the machine, or updates its definition when one of that name exists with another definition. */
async function upsertMachine(service: Service, spec: SampleSpec): Promise<string> {
  const roleArn = `arn:aws:iam::${service.ctx.scope.account}:role/asl-samples`;
  try {
    const created = await service.call('CreateStateMachine', { name: spec.name, definition: spec.definition, roleArn, type: spec.type });
    return (created as { stateMachineArn: string }).stateMachineArn;
  } catch (e) {
    if ((e as { code?: string }).code !== 'StateMachineAlreadyExists') throw e;
  }
  const stateMachineArn = arns.stateMachine(service.ctx.scope, spec.name);
  const current = (await service.call('DescribeStateMachine', { stateMachineArn })) as { type: string; definition: string };
  // A machine's type cannot change in place (UpdateStateMachine has no type), and deleting the user's machine
  // (and its executions) to recreate it would be destructive: skip instead.
  if (current.type !== spec.type) throw new Error(`a ${current.type} state machine named '${spec.name}' already exists; delete it to load this ${spec.type} sample`);
  if (current.definition !== spec.definition) await service.call('UpdateStateMachine', { stateMachineArn, definition: spec.definition });
  return stateMachineArn;
}

/** Loads every sample under `dir` into `service`; `close()` stops the function hosts it started. */
export async function loadSamples(service: Service, dir: string, opts: LoadSamplesOptions = {}): Promise<LoadedSamples> {
  const log = opts.log ?? (() => undefined);
  const root = resolve(dir);
  // The caller picks the folder (main/serve read the environment, DESIGN.md); relative paths are the service's.
  const dataDir = resolve(opts.dataDir ?? './data/samples');
  const hosts: Closable[] = [];
  const loaded: LoadedSamples['loaded'] = [];
  const owners = new Map<string, string>();
  let entries: { name: string; isDirectory(): boolean; isFile(): boolean }[];
  try {
    entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    log(`samples: cannot read ${root} (${errorText(e)}); no samples loaded`);
    return { loaded, close: async () => undefined };
  }

  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name.endsWith('.asl.json')) {
      const name = entry.name.slice(0, -'.asl.json'.length);
      try {
        const definition = await readFile(path, 'utf8');
        const stateMachineArn = await upsertMachine(service, { name, type: 'STANDARD', definition });
        loaded.push({ stateMachineArn, name });
      } catch (e) {
        log(`samples: skipped ${entry.name}: ${errorText(e)}`);
      }
      continue;
    }
    // `_lib` and dot folders hold shared code, not samples.
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name.startsWith('_') || entry.name === 'node_modules') continue;
    const started: Closable[] = [];
    const registered: string[] = [];
    try {
      const spec = await readSample(path, entry.name);
      // Validate before starting anything, so a bad definition costs no processes.
      const check = (await service.call('ValidateStateMachineDefinition', { definition: spec.definition, type: spec.type })) as { result: string; diagnostics?: { code: string; message: string }[] };
      if (check.result !== 'OK') throw new Error(`invalid definition: ${(check.diagnostics ?? []).map((d) => `${d.code} ${d.message}`).join('; ')}`);
      const fnDir = join(path, 'functions');
      const functions = (await isDir(fnDir)) ? await scanFunctionsDir(fnDir) : [];
      for (const fn of functions) {
        const owner = owners.get(fn.functionName);
        if (owner !== undefined) throw new Error(`function '${fn.functionName}' is already defined by sample '${owner}' (function names are global)`);
      }
      for (const fn of functions) {
        // One host = one execution environment = one call at a time (RIE); `concurrency` > 1 starts a pool.
        const pool = await startFunctionPool({
          ...fn,
          environment: { ...fn.environment, ASL_SAMPLES_DATA: dataDir },
          log: (line) => log(`[${fn.functionName}] ${line}`),
          concurrency: spec.concurrency?.[fn.functionName] ?? 1,
        });
        started.push(pool);
        const urls = pool.invokeUrls;
        await putFunction(service.ctx, fn.functionName, urls.length === 1 ? { endpoint: urls[0] } : { endpoints: urls });
        registered.push(fn.functionName);
      }
      const stateMachineArn = await upsertMachine(service, spec);
      for (const fn of registered) owners.set(fn, entry.name);
      hosts.push(...started);
      loaded.push({ stateMachineArn, name: spec.name });
      log(`samples: loaded ${spec.name}${registered.length > 0 ? ` (functions: ${registered.join(', ')})` : ''}`);
    } catch (e) {
      for (const fn of registered) {
        try { deleteFunction(service.ctx, fn); } catch { /* already gone */ }
      }
      await Promise.all(started.map((h) => h.close().catch(() => undefined)));
      log(`samples: skipped ${entry.name}: ${errorText(e)}`);
    }
  }
  return {
    loaded,
    async close() {
      await Promise.all(hosts.splice(0).map((h) => h.close().catch(() => undefined)));
    },
  };
}
