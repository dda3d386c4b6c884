/**
 * The executions table since migration 8: no AUTOINCREMENT and an index of RUNNING rows only. A version-7 database
 * keeps its rows, new ids continue after them, recovery still finds the RUNNING ones through the index, and an
 * execution that ends in its first commit writes no status index entry.
 */
import { describe, expect, it } from 'vitest';
import { databaseAt, newExecution, tempStores } from './temp-stores.js';

const { file: tempDb, open } = tempStores('asl-executions-');

describe('executions table', () => {
  it('upgrades a version-7 database: rows, ids and the RUNNING ones kept', () => {
    const file = tempDb();
    const db = databaseAt(file, 7);
    const add = db.prepare(`INSERT INTO executions (id, arn, sm_arn, name, revision_id, status, input, start_ms, seed, state, journal_len,
      redrive_count) VALUES (?, ?, 'arn:sm', ?, 'r', ?, '{}', 1, 1, ?, ?, ?)`);
    add.run(3, 'arn:a', 'a', 'SUCCEEDED', null, 0, 0);
    add.run(5, 'arn:b', 'b', 'RUNNING', '{"s":1}', 4, 1);
    add.run(9, 'arn:c', 'c', 'RUNNING', '{"s":2}', 2, 0);
    const before = db.prepare('SELECT * FROM executions ORDER BY id').all();
    db.close();

    const s = open(file);
    expect(s.db.prepare('SELECT * FROM executions ORDER BY id').all()).toEqual(before);
    expect(s.executions.running().map((r) => [r.id, r.arn, r.state, r.journalLen, r.redriveCount])).toEqual([
      [5, 'arn:b', '{"s":1}', 4, 1], [9, 'arn:c', '{"s":2}', 2, 0],
    ]);
    expect(newExecution(s, 'next')).toBe(10);
    expect(s.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'executions'").pluck().get()).not.toMatch(/AUTOINCREMENT/);
  });

  it('finds RUNNING rows through the partial index, which holds only them', () => {
    const s = open();
    const a = newExecution(s, 'a');
    const b = newExecution(s, 'b');
    s.db.prepare("UPDATE executions SET status = 'SUCCEEDED' WHERE id = ?").run(a);
    // The query of ExecutionRepo.running(), with all columns.
    const plan = s.db.prepare("EXPLAIN QUERY PLAN SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY id").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/executions_running/);
    expect(s.executions.running().map((r) => r.id)).toEqual([b]);
    // The index holds one entry: the RUNNING row (an index b-tree counted through SQLite's dbstat).
    const cells = s.db.prepare("SELECT sum(ncell) FROM dbstat WHERE name = 'executions_running' AND pagetype = 'leaf'").pluck().get();
    expect(cells).toBe(1);
  });
});
