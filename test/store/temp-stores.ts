/** Stores on files in temporary folders for store tests, closed and removed after each test; and a new execution row. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore, type Store } from '../../src/store/index.js';

export function tempStores(prefix: string) {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  /** A database file path in a new temporary folder. */
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return join(dir, 'db.sqlite');
  };
  /** Opens (and later closes) a store on `path`, a new temporary file by default. */
  const open = (path = file()): Store => {
    const s = openStore(path);
    stores.push(s);
    return s;
  };
  return { file, open };
}

/** Inserts a RUNNING execution row named `name`; its id. */
export function newExecution(s: Store, name: string): number {
  return s.executions.insert({
    arn: `arn:aws:states:us-east-1:123456789012:execution:sm:${name}`, smArn: 'arn:sm', name, revisionId: 'r',
    versionArn: null, aliasArn: null, status: 'RUNNING', input: '{}', startMs: 1, traceHeader: null, seed: 7,
  });
}

/** A database file at schema `version` (the first `version` migrations applied), open for old-shape rows to be added. */
export function databaseAt(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (let i = 0; i < version; i++) {
    db.exec(MIGRATIONS[i]!);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(i + 1);
  }
  return db;
}
