/** The SQLite store: migrations, pragmas, step writes, history paging, function registry. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore, type StepWrite, type Store } from '../../src/store/index.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileStore(durability: 'normal' | 'full' = 'normal', dir = mkdtempSync(join(tmpdir(), 'asl-store-'))): { store: Store; path: string } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const path = join(dir, 'nested', 'db.sqlite');
  const store = openStore(path, durability);
  stores.push(store);
  return { store, path };
}

function newExecution(store: Store, name: string): number {
  return store.executions.insert({
    arn: `arn:aws:states:us-east-1:123456789012:execution:sm:${name}`, smArn: 'arn:sm', name, revisionId: 'r',
    versionArn: null, aliasArn: null, status: 'RUNNING', input: '{}', startMs: 1, traceHeader: null, seed: 7,
  });
}

function write(id: number, events: number[], extra: Partial<StepWrite> = {}): StepWrite {
  return {
    executionId: id, journal: events.map((e) => `{"n":${e}}`),
    events: events.map((e) => ({ id: e, previousEventId: e - 1, type: 'T', timestamp: e })),
    state: '{}', status: 'RUNNING', output: null, error: null, cause: null, stopMs: null, outbox: [], timers: [], ...extra,
  };
}

describe('store', () => {
  it('creates the directory, uses WAL and the durability setting', () => {
    const normal = fileStore('normal').store;
    expect(normal.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(normal.db.pragma('wal_autocheckpoint', { simple: true })).toBe(4000);
    expect(normal.db.pragma('cache_size', { simple: true })).toBe(-2000);
    const full = fileStore('full').store;
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('owns its database file: a second store on it is refused with a clear error until the first closes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asl-store-'));
    const first = fileStore('normal', dir);
    expect(first.store.db.pragma('locking_mode', { simple: true })).toBe('exclusive');
    expect(() => openStore(first.path)).toThrow(/in use by another process/);
    // Reads by another connection are refused too: no process can see a half-applied tick or resume its executions.
    const other = new Database(first.path, { readonly: true, timeout: 0 });
    try {
      expect(() => other.prepare('SELECT count(*) FROM executions').get()).toThrow(/locked/);
    } finally {
      other.close();
    }
    const id = newExecution(first.store, 'owned');
    first.store.close();
    stores.splice(stores.indexOf(first.store), 1);
    expect(fileStore('normal', dir).store.executions.byId(id)?.name).toBe('owned');
  });

  it('records the schema version and migrates only once', () => {
    const { store } = fileStore();
    expect(store.db.prepare('SELECT max(version) AS v FROM schema_version').get()).toEqual({ v: MIGRATIONS.length });
    expect(migrate(store.db)).toBe(MIGRATIONS.length);
    expect(store.db.prepare('SELECT count(*) AS n FROM schema_version').get()).toEqual({ n: MIGRATIONS.length });
  });

  it('keeps data across reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asl-store-'));
    const first = fileStore('normal', dir);
    const id = newExecution(first.store, 'keep');
    first.store.transaction(() => first.store.executions.applyStep(write(id, [1, 2])));
    first.store.close();
    stores.splice(stores.indexOf(first.store), 1);
    const again = fileStore('normal', dir).store;
    expect(again.executions.journal(id)).toEqual(['{"n":1}', '{"n":2}']);
    expect(again.executions.byId(id)!.journalLen).toBe(2);
  });

  it('appends journal entries with increasing sequence numbers across steps', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const id = newExecution(store, 'j');
    store.transaction(() => store.executions.applyStep(write(id, [1, 2])));
    store.transaction(() => store.executions.applyStep(write(id, [3])));
    expect(store.executions.journal(id)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(store.executions.historyCount(id)).toBe(3);
  });

  it('pages history ascending and descending by event id', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const id = newExecution(store, 'h');
    store.transaction(() => store.executions.applyStep(write(id, [1, 2, 3, 4, 5])));
    expect(store.executions.history(id, { after: 2, limit: 2 }).map((e) => e.id)).toEqual([3, 4]);
    expect(store.executions.history(id, { before: 4, limit: 10 }).map((e) => e.id)).toEqual([3, 2, 1]);
  });

  it('applies outbox and timer changes in order and clears them when the execution ends', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const id = newExecution(store, 'o');
    store.transaction(() => store.executions.applyStep(write(id, [1], {
      outbox: [{ taskId: 't1', command: '{}' }, { taskId: 't1', mark: 1 }, { taskId: 't2', command: '{}' }, { taskId: 't2', delete: true }],
      timers: [{ timerId: 'a', fireAt: null }, { timerId: 'a', fireAt: 50 }, { timerId: 'b', fireAt: 60 }, { timerId: 'b', fireAt: null }],
    })));
    expect(store.executions.outbox(id)).toEqual([{ taskId: 't1', command: '{}', started: 1 }]);
    expect(store.executions.timers(id)).toEqual([{ timerId: 'a', fireAt: 50 }]);
    store.transaction(() => store.executions.applyStep(write(id, [2], { status: 'SUCCEEDED', output: '1', stopMs: 9 })));
    expect(store.executions.outbox(id)).toEqual([]);
    expect(store.executions.timers(id)).toEqual([]);
    expect(store.executions.running()).toEqual([]);
  });

  it('rolls a failed transaction back entirely', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const id = newExecution(store, 'x');
    expect(() => store.transaction(() => {
      store.executions.applyStep(write(id, [1]));
      store.executions.applyStep(write(id, [1])); // duplicate event id → constraint violation
    })).toThrow();
    expect(store.executions.historyCount(id)).toBe(0);
    expect(store.executions.journal(id)).toEqual([]);
  });

  it('runs nested transactions as savepoints: an inner failure caught by the outer one undoes only the inner writes', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const names = () => (store.db.prepare('SELECT name FROM executions ORDER BY id').pluck().all() as string[]);
    const result = store.transaction(() => {
      newExecution(store, 'a');
      expect(() => store.transaction(() => {
        newExecution(store, 'b');
        throw new Error('inner');
      })).toThrow('inner');
      // The outer function is still the one that runs after the inner call returned.
      const inner = store.transaction(() => newExecution(store, 'c'));
      newExecution(store, 'd');
      return inner;
    });
    expect(result).toBe(2);
    expect(names()).toEqual(['a', 'c', 'd']);
    expect(() => store.transaction(() => {
      newExecution(store, 'e');
      store.transaction(() => newExecution(store, 'f'));
      throw new Error('outer');
    })).toThrow('outer');
    expect(names()).toEqual(['a', 'c', 'd']);
    // And a plain transaction after all that still commits.
    store.transaction(() => newExecution(store, 'g'));
    expect(names()).toEqual(['a', 'c', 'd', 'g']);
  });

  it('deletes a machine with its versions, aliases and their tags, and nothing of similarly named machines', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const m = (arn: string, name: string) => store.machines.insert({
      arn, name, type: 'STANDARD', revisionId: 'r', logging: null, tracing: null, encryption: null, description: null,
      createdMs: 1, updatedMs: 1, nextVersion: 1,
    });
    m('arn:sm', 'sm');
    m('arn:sm2', 'sm2');
    store.machines.insertVersion({ arn: 'arn:sm:1', smArn: 'arn:sm', version: 1, revisionId: 'r', description: null, createdMs: 1 });
    store.machines.putAlias({ arn: 'arn:sm:live', smArn: 'arn:sm', name: 'live', description: null, routing: '[]', createdMs: 1, updatedMs: 1 });
    for (const arn of ['arn:sm', 'arn:sm:live', 'arn:sm2']) store.machines.putTag(arn, 'k', arn);
    store.machines.delete('arn:sm');
    expect(store.machines.get('arn:sm')).toBeUndefined();
    expect(store.machines.version('arn:sm:1')).toBeUndefined();
    expect(store.machines.alias('arn:sm:live')).toBeUndefined();
    expect(store.machines.tags('arn:sm:live')).toEqual([]);
    expect(store.machines.tags('arn:sm2')).toEqual([{ key: 'k', value: 'arn:sm2' }]);
    expect(store.machines.get('arn:sm2')).toBeDefined();
  });

  it('inserts a new execution with the state and result of its first write (one row write for a one-commit run)', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const insert = {
      arn: 'arn:aws:states:us-east-1:123456789012:execution:sm:once', smArn: 'arn:sm', name: 'once', revisionId: 'r',
      versionArn: null, aliasArn: null, status: 'RUNNING', input: '{}', startMs: 1, traceHeader: null, seed: 7,
    };
    const id = store.transaction(() => store.executions.applyStep({
      ...write(0, [1, 2, 3]), insert, status: 'SUCCEEDED', output: '"done"', stopMs: 9, state: '{"status":"SUCCEEDED"}',
      outbox: [{ taskId: 't', command: '{}' }], timers: [{ timerId: 'w', fireAt: 5 }],
    }));
    expect(store.executions.byId(id)).toMatchObject({
      name: 'once', status: 'SUCCEEDED', output: '"done"', error: null, stopMs: 9, state: '{"status":"SUCCEEDED"}', journalLen: 3,
    });
    expect(store.executions.list({ smArn: 'arn:sm', status: 'SUCCEEDED', beforeId: 1e9, limit: 10 }).map((r) => r.id)).toEqual([id]);
    expect(store.executions.list({ smArn: 'arn:sm', status: 'RUNNING', beforeId: 1e9, limit: 10 })).toEqual([]);
    expect(store.executions.history(id, { limit: 10 }).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(store.executions.journal(id)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect([store.executions.outbox(id), store.executions.timers(id)]).toEqual([[], []]); // ended: nothing pending
  });

  it('serves machine rows from memory, yet never a stale or rolled-back one', () => {
    const store = openStore(':memory:');
    stores.push(store);
    const row = (revisionId: string) => ({
      arn: 'arn:sm', name: 'sm', type: 'STANDARD' as const, revisionId, logging: null, tracing: null, encryption: null,
      description: null, createdMs: 1, updatedMs: 1, nextVersion: 1,
    });
    expect(store.machines.get('arn:sm')).toBeUndefined(); // a miss is remembered too...
    store.machines.insert(row('r1'));
    expect(store.machines.get('arn:sm')?.revisionId).toBe('r1'); // ...and forgotten by the insert
    store.machines.update(row('r2'));
    expect(store.machines.get('arn:sm')?.revisionId).toBe('r2');
    // Read inside a transaction that then rolls back: the rolled-back row must not be served afterwards.
    expect(() => store.transaction(() => {
      store.machines.update(row('r3'));
      expect(store.machines.get('arn:sm')?.revisionId).toBe('r3');
      store.machines.insert({ ...row('x'), arn: 'arn:other', name: 'other' });
      expect(store.machines.get('arn:other')).toBeDefined();
      throw new Error('roll back');
    })).toThrow('roll back');
    expect(store.machines.get('arn:sm')?.revisionId).toBe('r2');
    expect(store.machines.get('arn:other')).toBeUndefined();
    store.machines.delete('arn:sm');
    expect(store.machines.get('arn:sm')).toBeUndefined();
  });

  it('registers functions, replacing earlier registrations', () => {
    const store = openStore(':memory:');
    stores.push(store);
    store.functions.put('f', 'http://a', 1);
    store.functions.put('f', 'http://b', 2);
    expect(store.functions.get('f')).toEqual({ name: 'f', endpoint: 'http://b', updatedMs: 2 });
    expect(store.functions.list()).toHaveLength(1);
    expect(store.functions.delete('f')).toBe(true);
    expect(store.functions.delete('f')).toBe(false);
  });
});
