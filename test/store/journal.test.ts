/** The journal in the history rows (migration 9, src/store/journal.ts): where entries go, and reading them back by seq. */
import { describe, expect, it } from 'vitest';
import type { StepWrite, Store } from '../../src/store/index.js';
import { ROW_JOURNAL_MAX } from '../../src/store/journal.js';
import { databaseAt, newExecution, tempStores } from './temp-stores.js';

const { file: tempDb, open } = tempStores('asl-journal-');

/** A write of events first..first+count-1 (none when count is 0) and the given journal entries. */
function write(id: number, first: number, count: number, journal: string[], extra: Partial<StepWrite> = {}): StepWrite {
  return {
    executionId: id, journal,
    events: Array.from({ length: count }, (_, i) => ({ id: first + i, previousEventId: first + i - 1, type: 'T', timestamp: first + i })),
    status: 'RUNNING', output: null, error: null, cause: null, stopMs: null, outbox: [], timers: [], ...extra,
  };
}

const apply = (s: Store, w: StepWrite) => s.transaction(() => s.executions.applyStep(w));
const tableRows = (s: Store) => s.db.prepare('SELECT count(*) FROM journal').pluck().get();
const rows = (s: Store, id: number) => s.db.prepare(`SELECT id - ? * 4294967296 AS last, jto, journal FROM history_chunks
  WHERE id BETWEEN ? * 4294967296 AND ? * 4294967296 + 4294967295 ORDER BY id`).all(id, id, id);

describe('journal in history rows', () => {
  it('stores a commit\'s entries in its last history row, and appends a commit without events to that row', () => {
    const s = open();
    const id = newExecution(s, 'rows');
    apply(s, write(id, 1, 3, ['{"n":0}']));
    apply(s, write(id, 4, 2, ['{"n":1}', '{"n":2}']));
    apply(s, write(id, 6, 0, ['{"n":3}']));
    expect(tableRows(s)).toBe(0);
    expect(rows(s, id)).toEqual([
      { last: 3, jto: 1, journal: '{"n":0}' },
      { last: 5, jto: 4, journal: '{"n":1}\n{"n":2}\n{"n":3}' },
    ]);
    expect(s.executions.journal(id)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}']);
    // From any seq, including one inside a row and one past the end.
    expect(s.executions.journalFrom(id, 2)).toEqual(['{"n":2}', '{"n":3}']);
    expect(s.executions.journalFrom(id, 1)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(s.executions.journalFrom(id, 4)).toEqual([]);
    // The next write continues at seq 4 without being told (journalFrom absent: the length is read back).
    apply(s, write(id, 6, 1, ['{"n":4}']));
    expect(s.executions.journalFrom(id, 3)).toEqual(['{"n":3}', '{"n":4}']);
  });

  it('puts a commit\'s entries on the last of the rows its events take', () => {
    const s = open();
    const id = newExecution(s, 'split');
    apply(s, write(id, 1, 300, ['{"n":0}', '{"n":1}']));
    expect(rows(s, id)).toEqual([{ last: 256, jto: null, journal: null }, { last: 300, jto: 2, journal: '{"n":0}\n{"n":1}' }]);
    expect(s.executions.journalFrom(id, 1)).toEqual(['{"n":1}']);
  });

  it('keeps an entry that is not one line in the journal table, and merges both by seq', () => {
    const s = open();
    const id = newExecution(s, 'lines');
    apply(s, write(id, 1, 1, ['{"n":0}']));
    apply(s, write(id, 2, 1, ['{"a":\n1}', '{"n":2}'])); // both to the table; the history row takes none
    apply(s, write(id, 3, 0, ['{"n":3}'])); // onto that row, which had none
    apply(s, write(id, 3, 0, ['{"b":\n4}']));
    apply(s, write(id, 3, 0, ['{"n":5}'])); // the last row's entries end at seq 4, not 5: to the table
    apply(s, write(id, 3, 1, ['{"n":6}']));
    expect(tableRows(s)).toBe(4);
    expect(rows(s, id).map((r) => r.jto)).toEqual([1, 4, 7]);
    expect(s.executions.journal(id)).toEqual(['{"n":0}', '{"a":\n1}', '{"n":2}', '{"n":3}', '{"b":\n4}', '{"n":5}', '{"n":6}']);
    expect(s.executions.journalFrom(id, 2)).toEqual(['{"n":2}', '{"n":3}', '{"b":\n4}', '{"n":5}', '{"n":6}']);
    expect(s.executions.journalFrom(id, 4)).toEqual(['{"b":\n4}', '{"n":5}', '{"n":6}']);
    expect(s.executions.journalFrom(id, 6)).toEqual(['{"n":6}']);
  });

  it('bounds a row\'s journal: a long run of commits without events goes on in the table, a large commit too', () => {
    const s = open();
    const id = newExecution(s, 'heartbeats');
    apply(s, write(id, 1, 1, ['{"n":0}']));
    // 200 event-less commits of ~60 characters, each told its seq as the runner tells it.
    const beat = (n: number) => `{"kind":"TaskHeartbeat","now":${1_000_000 + n},"taskId":"f0/t1","n":${n}}`;
    for (let n = 1; n <= 200; n++) apply(s, write(id, 2, 0, [beat(n)], { journalFrom: n }));
    const [row] = rows(s, id) as { journal: string }[];
    expect(row!.journal.length).toBeLessThanOrEqual(ROW_JOURNAL_MAX);
    expect(row!.journal.length).toBeGreaterThan(ROW_JOURNAL_MAX - 100);
    expect(tableRows(s)).toBeGreaterThan(100);
    const all = ['{"n":0}', ...Array.from({ length: 200 }, (_, i) => beat(i + 1))];
    expect(s.executions.journal(id)).toEqual(all);
    expect(s.executions.journalFrom(id, 150)).toEqual(all.slice(150));
    // A commit whose entries exceed the bound puts them all in the table; the next one continues after them.
    const big = Array.from({ length: 3 }, (_, i) => `{"big":"${'x'.repeat(2000)}","i":${i}}`);
    apply(s, write(id, 2, 1, big));
    apply(s, write(id, 3, 1, ['{"n":204}']));
    expect(rows(s, id).map((r) => (r as { jto: number | null }).jto)).toEqual([expect.any(Number), null, 205]);
    expect(s.executions.journalFrom(id, 200)).toEqual([beat(200), ...big, '{"n":204}']);
  });

  it('keeps one execution\'s entries apart from the next one\'s', () => {
    const s = open();
    const a = newExecution(s, 'a');
    const b = newExecution(s, 'b');
    apply(s, write(a, 1, 1, ['{"a":0}']));
    apply(s, write(b, 1, 1, ['{"b":0}']));
    apply(s, write(a, 2, 0, ['{"a":1}']));
    expect(s.executions.journal(a)).toEqual(['{"a":0}', '{"a":1}']);
    expect(s.executions.journal(b)).toEqual(['{"b":0}']);
  });

  it('upgrades a version-8 database: its history and journal rows read as before, new entries follow them', () => {
    const file = tempDb();
    const db = databaseAt(file, 8);
    db.prepare(`INSERT INTO executions (id, arn, sm_arn, name, revision_id, status, input, start_ms, seed, state, journal_len)
      VALUES (4, 'arn:old', 'arn:sm', 'old', 'r', 'RUNNING', '{}', 1, 1, '{"s":1}', 1)`).run();
    const key = 4 * 4294967296;
    db.prepare('INSERT INTO history_chunks (id, first_id, events) VALUES (?, 1, ?)').run(key + 2,
      '[{"id":1,"previousEventId":0,"type":"T","timestamp":1},{"id":2,"previousEventId":1,"type":"T","timestamp":2}]');
    db.prepare('INSERT INTO journal (id, input) VALUES (?, ?), (?, ?)').run(key, '{"n":0}', key + 1, '{"n":1}');
    db.close();

    const s = open(file);
    expect(s.executions.history(4, { limit: 10 }).map((e) => e.id)).toEqual([1, 2]);
    expect(s.executions.journalFrom(4, 1)).toEqual(['{"n":1}']);
    apply(s, write(4, 3, 0, ['{"n":2}'])); // on the old row, which had no entries
    apply(s, write(4, 3, 1, ['{"n":3}']));
    expect(s.executions.journal(4)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}']);
    expect(s.executions.journalFrom(4, 2)).toEqual(['{"n":2}', '{"n":3}']);
    expect(s.executions.history(4, { limit: 10 }).map((e) => e.id)).toEqual([1, 2, 3]);
  });
});
