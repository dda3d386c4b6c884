/**
 * History in chunk rows (migration 5): reads page through chunks exactly as through one row per event, in both
 * directions and from any cursor; big payloads split a chunk; a version-4 database keeps its history on upgrade.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/engine/contract.js';
import type { StepWrite, Store } from '../../src/store/index.js';
import { databaseAt, newExecution as execution, tempStores } from './temp-stores.js';

const { file: tempDb, open } = tempStores('asl-chunks-');

const event = (id: number, payload = `p${id}`): HistoryEvent =>
  ({ id, previousEventId: id - 1, type: 'PassStateExited', timestamp: id, stateExitedEventDetails: { name: 'S', output: payload } });

function write(id: number, events: HistoryEvent[]): StepWrite {
  return {
    executionId: id, journal: [], events, state: '{}', status: 'RUNNING', output: null, error: null, cause: null,
    stopMs: null, outbox: [], timers: [],
  };
}

/** Commits events 1..total in commits of the given sizes (cycled). */
function fill(s: Store, id: number, total: number, sizes: number[]): void {
  let next = 1;
  for (let k = 0; next <= total; k++) {
    const n = Math.min(sizes[k % sizes.length]!, total - next + 1);
    const events = Array.from({ length: n }, (_, i) => event(next + i));
    s.transaction(() => s.executions.applyStep(write(id, events)));
    next += n;
  }
}

const ids = (events: HistoryEvent[]) => events.map((e) => e.id);
/** Rows are keyed execution_id * 2^32 + last event id (migration 7). */
const OF_EXECUTION = 'id BETWEEN @e * 4294967296 AND @e * 4294967296 + 4294967295';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('history chunks', () => {
  it('pages forwards and backwards from every cursor as one row per event would', () => {
    const s = open();
    const id = execution(s, 'paged');
    const other = execution(s, 'other');
    // Commits of 1, 600 (three chunks of at most 256), 256 and 7 events; another execution's chunks interleave.
    fill(s, id, 864, [1, 600, 256, 7]);
    fill(s, other, 80, [80]);
    expect(s.executions.historyCount(id)).toBe(864);
    expect(s.executions.historyCount(other)).toBe(80);
    expect(ids(s.executions.history(id, { limit: 1000 }))).toEqual(range(1, 864));
    for (const after of [0, 1, 2, 255, 256, 257, 512, 513, 600, 601, 602, 856, 857, 863, 864]) {
      for (const limit of [1, 5, 256, 300]) {
        const want = range(after + 1, Math.min(864, after + limit));
        expect(ids(s.executions.history(id, { after, limit }))).toEqual(after >= 864 ? [] : want);
      }
    }
    for (const before of [1, 2, 3, 256, 257, 258, 513, 514, 601, 602, 858, 864, 865, Number.MAX_SAFE_INTEGER]) {
      for (const limit of [1, 5, 256, 300]) {
        const top = Math.min(before - 1, 864);
        const want = range(Math.max(1, top - limit + 1), top).reverse();
        expect(ids(s.executions.history(id, { before, limit }))).toEqual(top < 1 ? [] : want);
      }
    }
    expect(ids(s.executions.history(other, { after: 70, limit: 100 }))).toEqual(range(71, 80));
  });

  it('returns the events exactly as written', () => {
    const s = open();
    const id = execution(s, 'exact');
    const events = [event(1, '{"a":"\\u00e9\\n"}'), { ...event(2), extra: [1, null, { b: true }] }, event(3, '😀')];
    s.transaction(() => s.executions.applyStep(write(id, events)));
    expect(s.executions.history(id, { limit: 10 })).toEqual(events);
  });

  it('deflates large chunks and keeps small ones as plain JSON text', () => {
    const s = open();
    const id = execution(s, 'deflate');
    const small = [event(1), event(2)];
    const large = range(3, 40).map((i) => event(i, `{"payload":"${'abc'.repeat(400)}","i":${i}}`));
    s.transaction(() => s.executions.applyStep(write(id, small)));
    s.transaction(() => s.executions.applyStep(write(id, large)));
    const rows = s.db.prepare(`SELECT first_id AS f, typeof(events) AS t, length(events) AS n FROM history_chunks WHERE ${OF_EXECUTION} ORDER BY f`)
      .all({ e: id }) as { f: number; t: string; n: number }[];
    expect(rows.map((r) => [r.f, r.t])).toEqual([[1, 'text'], [3, 'blob']]);
    expect(rows[1]!.n).toBeLessThan(JSON.stringify(large).length / 4);
    expect(s.executions.history(id, { limit: 100 })).toEqual([...small, ...large]);
    expect(s.executions.history(id, { before: 5, limit: 3 })).toEqual([large[1], large[0], small[1]]);
  });

  it('splits a chunk of large events so that one read never parses a huge neighbour', () => {
    const s = open();
    const id = execution(s, 'large');
    const big = 'x'.repeat(100 * 1024);
    s.transaction(() => s.executions.applyStep(write(id, range(1, 10).map((i) => event(i, `${i}${big}`)))));
    {
      const rows = s.db.prepare(`SELECT first_id AS f, id % 4294967296 AS l, length(events) AS n FROM history_chunks WHERE ${OF_EXECUTION} ORDER BY f`)
        .all({ e: id }) as { f: number; l: number; n: number }[];
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.every((r) => r.n <= 256 * 1024 || r.f === r.l)).toBe(true);
      expect(rows.flatMap((r) => range(r.f, r.l))).toEqual(range(1, 10));
    }
    expect(s.executions.history(id, { after: 6, limit: 1 })[0]?.stateExitedEventDetails).toEqual({ name: 'S', output: `7${big}` });
  });

  it('upgrades a version-4 database: its per-event history rows read back unchanged', () => {
    const file = tempDb();
    const db = databaseAt(file, 4);
    db.prepare(`INSERT INTO executions (id, arn, sm_arn, name, revision_id, status, input, start_ms, seed)
      VALUES (9, 'arn:x', 'arn:sm', 'x', 'r', 'SUCCEEDED', '{}', 1, 1)`).run();
    const old = range(1, 5).map((i) => event(i));
    // Inserted out of order on purpose: ids, not insertion order, decide the order read back.
    for (const e of [...old].reverse()) db.prepare('INSERT INTO history (execution_id, event_id, event) VALUES (9, ?, ?)').run(e.id, JSON.stringify(e));
    db.close();
    const s = open(file);
    expect(s.executions.history(9, { limit: 100 })).toEqual(old);
    expect(ids(s.executions.history(9, { before: 4, limit: 2 }))).toEqual([3, 2]);
    expect(s.executions.historyCount(9)).toBe(5);
    // New commits continue after the migrated rows.
    s.transaction(() => s.executions.applyStep(write(9, [event(6), event(7)])));
    expect(ids(s.executions.history(9, { after: 4, limit: 100 }))).toEqual([5, 6, 7]);
  });
});
