/**
 * The Lambda function registry use cases (`/api/functions`). A registration is RIE endpoints or a code folder
 * for the built-in host. Every change of code (content hash of the folder at PUT time) or configuration is a new
 * revision of $LATEST; an identical re-PUT changes nothing. Published versions are immutable snapshots (the code
 * folder is copied) numbered 1, 2, 3…; aliases point at versions, so `function:NAME:3` and `function:NAME:live`
 * resolve as Lambda's qualified ARNs do.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { FunctionTarget } from '../dispatch/types.js';
import type { FunctionRow } from '../store/index.js';
import { hashDirectory } from './code-hash.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from './errors.js';
import { parseFunctionConfig, storedConfig, type FunctionConfig } from './function-config.js';
import { FunctionPools } from './function-pools.js';

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?![0-9]+$)[a-zA-Z0-9_-]{1,128}$/;

interface Registry {
  pools: FunctionPools;
  /** Where published versions of path-based functions keep their code snapshots. */
  codeDir: string;
}
const registries = new WeakMap<ServiceContext, Registry>();

/** Binds the registry's pools and snapshot folder to a service context (service.ts). */
export function attachFunctions(ctx: ServiceContext, reg: Registry): void {
  registries.set(ctx, reg);
}

function registry(ctx: ServiceContext): Registry {
  const r = registries.get(ctx);
  if (!r) throw new ServiceError('InternalFailure', 'function registry not attached', 500);
  return r;
}

export type FunctionInfo = Omit<FunctionConfig, 'endpoints'> & {
  name: string;
  endpoint: string;
  endpoints?: string[];
  version: string;
  revision: number;
  codeSha256?: string;
  updatedAt: string;
};

function info(row: FunctionRow): FunctionInfo {
  const cfg = storedConfig(row);
  return {
    name: row.name, endpoint: row.endpoint, ...cfg, version: '$LATEST', revision: row.revision,
    ...(row.codeHash ? { codeSha256: row.codeHash } : {}), updatedAt: new Date(row.updatedMs).toISOString(),
  };
}

function checkName(name: string): void {
  if (!FUNCTION_NAME.test(name)) {
    throw new ServiceError('ValidationException', `Invalid function name '${name}': 1-64 characters of [a-zA-Z0-9-_]`);
  }
}

const notFound = (name: string, what = 'Function') =>
  new ServiceError('ResourceNotFound', `${what} not found: '${name}'`, 404, { resourceName: name });

function rowOf(ctx: ServiceContext, name: string): FunctionRow {
  checkName(name);
  const row = ctx.store.functions.row(name);
  if (!row) throw notFound(name);
  return row;
}

/**
 * Code snapshots are content-addressed (`NAME/code-<sha256 prefix>`): immutable, shared by every revision and
 * version with the same code, and collected once nothing refers to them.
 */
const snapshotDir = (reg: Registry, name: string, hash: string) =>
  join(reg.codeDir, name, `code-${Buffer.from(hash, 'base64').toString('hex').slice(0, 32)}`);

/** Copies a folder into the snapshot store; the hash is taken of the copy, so it names exactly what runs. */
function snapshotCode(reg: Registry, name: string, src: string): { hash: string; dir: string } {
  const tmp = join(reg.codeDir, name, `.tmp-${randomUUID()}`);
  mkdirSync(tmp, { recursive: true });
  cpSync(src, tmp, { recursive: true });
  const hash = hashDirectory(tmp);
  const dir = snapshotDir(reg, name, hash);
  if (existsSync(dir)) rmSync(tmp, { recursive: true, force: true });
  else renameSync(tmp, dir);
  return { hash, dir };
}

/** How the $LATEST revision of a row runs: path-based code from its snapshot (the folder itself if it is gone). */
function latestSource(reg: Registry, row: FunctionRow): { cfg: FunctionConfig } {
  const cfg = storedConfig(row);
  if (!cfg.path || !row.codeHash) return { cfg };
  const dir = snapshotDir(reg, row.name, row.codeHash);
  return { cfg: existsSync(dir) ? { ...cfg, path: dir } : cfg };
}

/** Removes the snapshots of `name` that neither $LATEST, a published version nor a running pool refers to. */
export function collectSnapshots(ctx: ServiceContext, name: string): void {
  const reg = registry(ctx);
  const base = join(reg.codeDir, name);
  if (!existsSync(base)) return;
  const keep = reg.pools.dirsInUse(name);
  const row = ctx.store.functions.row(name);
  if (row?.codeHash) keep.add(snapshotDir(reg, name, row.codeHash));
  for (const v of ctx.store.functions.versions(name)) {
    const path = (JSON.parse(v.config) as FunctionConfig).path;
    if (path) keep.add(path);
  }
  for (const d of readdirSync(base)) if (!keep.has(join(base, d))) rmSync(join(base, d), { recursive: true, force: true });
}

/**
 * Registers or replaces `name`; a change of code or configuration makes a new revision of $LATEST. The code is
 * copied at that moment, so calls already running (and environments of the old revision that start later while
 * it drains) keep the code they were deployed with, whatever happens to the folder afterwards.
 */
export async function putFunction(ctx: ServiceContext, name: string, body: unknown): Promise<FunctionInfo> {
  checkName(name);
  const cfg = parseFunctionConfig(body);
  const reg = registry(ctx);
  let hash: string | null = null;
  if (cfg.path) {
    // A folder holding the service's own data would be copied into itself and re-hashed on every database write.
    const inside = relative(resolve(cfg.path), reg.codeDir);
    if (!inside.startsWith('..') && !isAbsolute(inside)) {
      throw new ServiceError('InvalidParameterValueException', `The function folder '${cfg.path}' contains the service's data folder; point 'path' at the function's own code`);
    }
    if (!reg.pools.canRunCode) throw new ServiceError('InvalidParameterValueException', 'Path-based functions need the built-in function host, which this service was started without');
    const problem = reg.pools.validate(FunctionPools.spec(name, cfg, '$LATEST'));
    if (problem) throw new ServiceError('InvalidParameterValueException', problem);
    hash = hashDirectory(cfg.path);
  }
  const config = JSON.stringify(cfg);
  const prev = ctx.store.functions.row(name);
  if (!prev || prev.config !== config || prev.codeHash !== hash) {
    if (cfg.path) hash = snapshotCode(reg, name, cfg.path).hash;
    ctx.store.functions.put(name, cfg.endpoints?.[0] ?? cfg.path!, ctx.clock.now(), config, hash);
    if (prev) reg.pools.replaced(name);
    collectSnapshots(ctx, name);
  }
  const row = ctx.store.functions.row(name)!;
  if (cfg.warm) await reg.pools.warm(name, `${name}@${row.revision}`, latestSource(reg, row));
  return info(row);
}

/** A function folder as `scanFunctionsDir` finds it (src/functions FunctionSpec). */
export interface FunctionFolder {
  functionName: string;
  dir: string;
  runtime: string;
  handler: string;
  timeoutSeconds?: number;
  memorySize?: number;
  environment?: Record<string, string>;
}

/** `asl serve --functions DIR`: registers every scanned folder as a path-based function (unchanged ones stay as they are). */
export async function registerFunctionFolders(ctx: ServiceContext, folders: FunctionFolder[]): Promise<FunctionInfo[]> {
  const out: FunctionInfo[] = [];
  for (const f of folders) {
    out.push(await putFunction(ctx, f.functionName, {
      path: f.dir, runtime: f.runtime, handler: f.handler,
      ...(f.timeoutSeconds !== undefined ? { timeout: f.timeoutSeconds } : {}),
      ...(f.memorySize !== undefined ? { memorySize: f.memorySize } : {}),
      ...(f.environment !== undefined ? { environment: f.environment } : {}),
    }));
  }
  return out;
}

export function getFunction(ctx: ServiceContext, name: string): FunctionInfo & { versions: number[]; aliases: Record<string, number> } {
  const row = rowOf(ctx, name);
  return {
    ...info(row),
    versions: ctx.store.functions.versions(name).map((v) => v.version),
    aliases: Object.fromEntries(ctx.store.functions.aliases(name).map((a) => [a.alias, a.version])),
  };
}

export function deleteFunction(ctx: ServiceContext, name: string): void {
  checkName(name);
  if (!ctx.store.functions.delete(name)) throw notFound(name);
  registry(ctx).pools.forget(name);
  collectSnapshots(ctx, name);
}

export function listFunctions(ctx: ServiceContext): FunctionInfo[] {
  return ctx.store.functions.rows().map(info);
}

/** PublishVersion: snapshots $LATEST (code folder copied) as the next number; unchanged since the last one → that one. */
export function publishVersion(ctx: ServiceContext, name: string): { name: string; version: string; codeSha256?: string } {
  const row = rowOf(ctx, name);
  const cfg = storedConfig(row);
  const versions = ctx.store.functions.versions(name);
  const last = versions[versions.length - 1];
  const hash = row.codeHash;
  if (last && last.codeHash === hash && JSON.stringify({ ...(JSON.parse(last.config) as FunctionConfig), path: cfg.path }) === JSON.stringify(cfg)) {
    return { name, version: String(last.version), ...(hash ? { codeSha256: hash } : {}) };
  }
  const version = (last?.version ?? 0) + 1;
  // The version freezes $LATEST as deployed: the revision's (immutable) snapshot, not what the folder holds now.
  const snap: FunctionConfig = { ...cfg };
  if (cfg.path) {
    const deployed = row.codeHash ? snapshotDir(registry(ctx), name, row.codeHash) : undefined;
    snap.path = deployed && existsSync(deployed) ? deployed : snapshotCode(registry(ctx), name, cfg.path).dir;
  }
  ctx.store.functions.addVersion({ name, version, config: JSON.stringify(snap), codeHash: hash, createdMs: ctx.clock.now() });
  return { name, version: String(version), ...(hash ? { codeSha256: hash } : {}) };
}

export function listVersions(ctx: ServiceContext, name: string) {
  rowOf(ctx, name);
  return {
    versions: ctx.store.functions.versions(name).map((v) => ({
      version: String(v.version), ...(v.codeHash ? { codeSha256: v.codeHash } : {}), createdAt: new Date(v.createdMs).toISOString(),
    })),
  };
}

/** Creates or moves an alias: `{ "version": "3" }`. */
export function putAlias(ctx: ServiceContext, name: string, alias: string, body: unknown) {
  rowOf(ctx, name);
  if (!ALIAS_NAME.test(alias)) throw new ServiceError('ValidationException', `Invalid alias name '${alias}': 1-128 characters of [a-zA-Z0-9-_], not all digits`);
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['version'] : undefined;
  const version = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(version)) throw new ServiceError('InvalidParameterValueException', "Body must be { \"version\": \"N\" } naming a published version");
  if (!ctx.store.functions.version(name, version)) throw notFound(`${name}:${version}`, 'Function version');
  ctx.store.functions.putAlias(name, alias, version, ctx.clock.now());
  return { name, alias, version: String(version) };
}

export function deleteAlias(ctx: ServiceContext, name: string, alias: string): void {
  rowOf(ctx, name);
  if (!ctx.store.functions.deleteAlias(name, alias)) throw notFound(`${name}:${alias}`, 'Alias');
}

export function listAliases(ctx: ServiceContext, name: string) {
  rowOf(ctx, name);
  return { aliases: ctx.store.functions.aliases(name).map((a) => ({ alias: a.alias, version: String(a.version) })) };
}

/** The dispatcher's lookup: name + qualifier ($LATEST, a version number, an alias) → the pool that serves it. */
export function functionLookup(ctx: ServiceContext) {
  return (name: string, qualifier?: string): FunctionTarget | undefined => {
    const row = ctx.store.functions.row(name);
    if (!row) return undefined;
    const reg = registry(ctx);
    const { pools } = reg;
    if (qualifier === undefined || qualifier === '$LATEST') return pools.target(name, `${name}@${row.revision}`, '$LATEST', () => latestSource(reg, row));
    const number = /^[0-9]+$/.test(qualifier) ? Number(qualifier) : ctx.store.functions.alias(name, qualifier)?.version;
    const v = number !== undefined ? ctx.store.functions.version(name, number) : undefined;
    if (!v) return undefined;
    return pools.target(name, `${name}#${v.version}`, String(v.version), () => ({ cfg: JSON.parse(v.config) as FunctionConfig }));
  };
}
