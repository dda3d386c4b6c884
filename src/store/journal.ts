/**
 * The journal: every engine input an execution consumed, in order (seq 0, 1, ...), from which the runner rebuilds
 * its state after the last snapshot (runtime/persistence.ts). Since migration 9 a commit's entries ride in its last
 * history row — `journal` holds them one per line, `jto` is the seq after the last — so a Task's commit inserts one
 * row instead of two (~1.4 WAL pages fewer; docs/performance.md). A commit without events appends its entries to
 * the execution's last history row while it has room (ROW_JOURNAL_MAX). The journal table holds what no history
 * row can: entries written before migration 9, more than a row's room, and entries that cannot be a line
 * (JSON.stringify never writes a raw line feed, but a caller might). Readers merge both by seq.
 */
import type { Db } from './db.js';
import { KEY, LOW } from './row-keys.js';

/**
 * The entries as the lines of one history row's `journal`; undefined when one of them holds a line feed or they
 * come to more than ROW_JOURNAL_MAX characters.
 */
export function journalLines(entries: readonly string[]): string | undefined {
  let size = entries.length - 1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    size += e.length;
    if (size > ROW_JOURNAL_MAX || e.includes('\n')) return undefined;
  }
  return entries.join('\n');
}

/** Rows per multi-row INSERT into the journal table: one native call per 64 rows instead of one per row. */
const BATCH = 64;
/**
 * Most characters of journal a history row takes: a commit's entries beyond it go to the table, and a commit
 * without events appends to the last row only while the row stays within it. Appending rewrites the whole row,
 * so without a bound a long run of event-less commits (SendTaskHeartbeat every few seconds for a day) would
 * rewrite an ever larger row each time; and a history read passes over a row's journal to reach its events.
 */
export const ROW_JOURNAL_MAX = 4096;

export function journalRepo(db: Db) {
  const s = {
    // Newest history row first: a reader stops at the first row whose entries all come before the seq it wants.
    rows: db.prepare(`SELECT jto, journal FROM history_chunks WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW} ORDER BY id DESC`),
    lastJto: db.prepare(`SELECT jto FROM history_chunks WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW} AND jto IS NOT NULL
      ORDER BY id DESC LIMIT 1`),
    // Appends to the execution's last history row only when its entries end where these begin (or it has none),
    // and the row's journal stays within ROW_JOURNAL_MAX.
    appendToLast: db.prepare(`UPDATE history_chunks SET journal = CASE WHEN journal IS NULL THEN @text ELSE journal || char(10) || @text END,
      jto = @to WHERE id = (SELECT max(id) FROM history_chunks WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW})
      AND (journal IS NULL OR (jto = @from AND length(journal) + 1 + length(@text) <= ${ROW_JOURNAL_MAX}))`),
    tableFrom: db.prepare(`SELECT id - ${KEY('@e')} AS seq, input FROM journal WHERE id BETWEEN ${KEY('@e')} + @from AND ${KEY('@e')} + ${LOW} ORDER BY id`),
    tableNext: db.prepare(`SELECT id - ${KEY('@e')} + 1 AS n FROM journal WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW} ORDER BY id DESC LIMIT 1`),
  };
  const byCount: (ReturnType<Db['prepare']> | undefined)[] = [];
  const insert = (n: number) => (byCount[n] ??= db.prepare(`INSERT INTO journal (id, input) VALUES ${Array.from({ length: n }, () => `(${KEY('?')} + ?, ?)`).join(', ')}`));

  /** Entries at seq `from`, `from` + 1, ... into the journal table, in multi-row statements. */
  const toTable = (executionId: number, from: number, entries: readonly string[]): void => {
    for (let i = 0; i < entries.length; i += BATCH) {
      const n = Math.min(BATCH, entries.length - i);
      const params: unknown[] = [];
      for (let j = i; j < i + n; j++) params.push(executionId, from + j, entries[j]!);
      insert(n).run(params);
    }
  };

  return {
    /**
     * Stores the entries of a commit whose history row could not take them (a commit without events, an entry
     * that is not one line, more than ROW_JOURNAL_MAX of them): on the execution's last history row when the seqs
     * continue it and it has room, else in the table.
     */
    appendApart(executionId: number, from: number, entries: readonly string[]): void {
      if (entries.length === 0) return;
      const text = journalLines(entries);
      if (text !== undefined && s.appendToLast.run({ e: executionId, text, to: from + entries.length, from }).changes > 0) return;
      toTable(executionId, from, entries);
    },
    /** The entries from seq `from` on, in order. */
    from(executionId: number, from: number): string[] {
      const found: { seq: number; input: string }[] = [];
      for (const r of s.rows.iterate({ e: executionId }) as IterableIterator<{ jto: number | null; journal: string | null }>) {
        if (r.jto === null || r.journal === null) continue;
        if (r.jto <= from) break;
        const lines = r.journal.split('\n');
        const first = r.jto - lines.length;
        for (let i = lines.length - 1; i >= 0 && first + i >= from; i--) found.push({ seq: first + i, input: lines[i]! });
        if (first <= from) break;
      }
      found.reverse();
      const table = s.tableFrom.all({ e: executionId, from }) as { seq: number; input: string }[];
      if (table.length === 0) return found.map((f) => f.input);
      return [...table, ...found].sort((a, b) => a.seq - b.seq).map((f) => f.input);
    },
    /** The seq the next entry takes. */
    length(executionId: number): number {
      const rows = (s.lastJto.get({ e: executionId }) as { jto: number } | undefined)?.jto ?? 0;
      return Math.max(rows, (s.tableNext.get({ e: executionId }) as { n: number } | undefined)?.n ?? 0);
    },
  };
}
