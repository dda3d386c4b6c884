/** The Lambda function registry: name → RIE invocation endpoint (`PUT /api/functions/{name}`). */
import type { Db } from './db.js';

export interface FunctionRow {
  name: string;
  endpoint: string;
  updatedMs: number;
}

/** Prepared statements over the functions table. */
export function functionRepo(db: Db) {
  const s = {
    get: db.prepare('SELECT name, endpoint, updated_ms AS updatedMs FROM functions WHERE name = ?'),
    list: db.prepare('SELECT name, endpoint, updated_ms AS updatedMs FROM functions ORDER BY name'),
    put: db.prepare(`INSERT INTO functions (name, endpoint, updated_ms) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET endpoint = excluded.endpoint, updated_ms = excluded.updated_ms`),
    delete: db.prepare('DELETE FROM functions WHERE name = ?'),
  };
  return {
    get: (name: string) => s.get.get(name) as FunctionRow | undefined,
    list: () => s.list.all() as FunctionRow[],
    /** Registers or replaces a function. */
    put: (name: string, endpoint: string, nowMs: number) => void s.put.run(name, endpoint, nowMs),
    /** Returns true when a function was removed. */
    delete: (name: string) => s.delete.run(name).changes > 0,
  };
}

export type FunctionRepo = ReturnType<typeof functionRepo>;
