/**
 * The Lambda function registry (`PUT /api/functions/{name}`): one row per function holding its current ($LATEST)
 * configuration and a revision number that grows with every code or configuration change, plus published
 * versions (immutable snapshots, numbered 1, 2, 3… per function and never reused) and aliases pointing at them.
 */
import type { Db } from './db.js';

/** The v1 view of a registration (name → endpoint). */
export interface FunctionEndpointRow {
  name: string;
  endpoint: string;
  updatedMs: number;
}

export interface FunctionRow {
  name: string;
  /** The first endpoint (or the code folder) — kept for the v1 listing. */
  endpoint: string;
  /** The registration as JSON (null for rows written before migration 2: `{"endpoint"}` only). */
  config: string | null;
  codeHash: string | null;
  revision: number;
  updatedMs: number;
}

export interface FunctionVersionRow {
  name: string;
  version: number;
  config: string;
  codeHash: string | null;
  createdMs: number;
}

export interface FunctionAliasRow {
  name: string;
  alias: string;
  version: number;
  updatedMs: number;
}

const COLS = 'name, endpoint, config, code_hash AS codeHash, revision, updated_ms AS updatedMs';

/** Prepared statements over the function tables. */
export function functionRepo(db: Db) {
  const s = {
    get: db.prepare(`SELECT ${COLS} FROM functions WHERE name = ?`),
    list: db.prepare(`SELECT ${COLS} FROM functions ORDER BY name`),
    put: db.prepare(`INSERT INTO functions (name, endpoint, config, code_hash, revision, updated_ms) VALUES (?, ?, ?, ?, 1, ?)
      ON CONFLICT (name) DO UPDATE SET endpoint = excluded.endpoint, config = excluded.config, code_hash = excluded.code_hash,
        revision = functions.revision + 1, updated_ms = excluded.updated_ms`),
    delete: db.prepare('DELETE FROM functions WHERE name = ?'),
    deleteVersions: db.prepare('DELETE FROM function_versions WHERE name = ?'),
    deleteAliases: db.prepare('DELETE FROM function_aliases WHERE name = ?'),
    versions: db.prepare('SELECT name, version, config, code_hash AS codeHash, created_ms AS createdMs FROM function_versions WHERE name = ? ORDER BY version'),
    version: db.prepare('SELECT name, version, config, code_hash AS codeHash, created_ms AS createdMs FROM function_versions WHERE name = ? AND version = ?'),
    addVersion: db.prepare('INSERT INTO function_versions (name, version, config, code_hash, created_ms) VALUES (?, ?, ?, ?, ?)'),
    aliases: db.prepare('SELECT name, alias, version, updated_ms AS updatedMs FROM function_aliases WHERE name = ? ORDER BY alias'),
    alias: db.prepare('SELECT name, alias, version, updated_ms AS updatedMs FROM function_aliases WHERE name = ? AND alias = ?'),
    putAlias: db.prepare(`INSERT INTO function_aliases (name, alias, version, updated_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_ms = excluded.updated_ms`),
    deleteAlias: db.prepare('DELETE FROM function_aliases WHERE name = ? AND alias = ?'),
  };
  // The dispatcher looks the function up on every Task; rows change only through put/delete below.
  const rowCache = new Map<string, FunctionRow | undefined>();
  const row = (name: string): FunctionRow | undefined => {
    if (rowCache.has(name)) return rowCache.get(name);
    const r = s.get.get(name) as FunctionRow | undefined;
    if (r) Object.freeze(r);
    if (rowCache.size > 4096) rowCache.clear();
    rowCache.set(name, r);
    return r;
  };
  const v1 = (r: FunctionRow): FunctionEndpointRow => ({ name: r.name, endpoint: r.endpoint, updatedMs: r.updatedMs });
  return {
    get: (name: string) => {
      const r = s.get.get(name) as FunctionRow | undefined;
      return r && v1(r);
    },
    list: () => (s.list.all() as FunctionRow[]).map(v1),
    /** The full registration (configuration, code hash, revision). */
    row,
    rows: () => s.list.all() as FunctionRow[],
    /** Registers a function or replaces its configuration (the revision grows by one on every replacement). */
    put: (name: string, endpoint: string, nowMs: number, config: string | null = null, codeHash: string | null = null) => {
      rowCache.delete(name);
      s.put.run(name, endpoint, config, codeHash, nowMs);
    },
    /** Removes a function with its versions and aliases; true when it existed. */
    delete: (name: string) => db.transaction(() => {
      rowCache.delete(name);
      s.deleteVersions.run(name);
      s.deleteAliases.run(name);
      return s.delete.run(name).changes > 0;
    })(),
    versions: (name: string) => s.versions.all(name) as FunctionVersionRow[],
    version: (name: string, version: number) => s.version.get(name, version) as FunctionVersionRow | undefined,
    addVersion: (r: FunctionVersionRow) => void s.addVersion.run(r.name, r.version, r.config, r.codeHash, r.createdMs),
    aliases: (name: string) => s.aliases.all(name) as FunctionAliasRow[],
    alias: (name: string, alias: string) => s.alias.get(name, alias) as FunctionAliasRow | undefined,
    putAlias: (name: string, alias: string, version: number, nowMs: number) => void s.putAlias.run(name, alias, version, nowMs),
    deleteAlias: (name: string, alias: string) => s.deleteAlias.run(name, alias).changes > 0,
  };
}

export type FunctionRepo = ReturnType<typeof functionRepo>;
