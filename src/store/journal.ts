/**
 * The journal: every engine input an execution consumed, in order (seq 0, 1, ...), from which the runner rebuilds
 * its state after the last snapshot (runtime/persistence.ts). Since migration 9 a commit's entries ride in its last
 * history row — `journal` holds them one per line, `jto` is the seq after the last — so a Task's commit inserts one
 * row instead of two (~1.4 WAL pages fewer; docs/performance.md). A commit without events appends its entries to
 * the execution's last history row. The journal table holds what no history row can: entries written before
 * migration 9, and entries that cannot be a line (JSON.stringify never writes a raw line feed, but a caller might).
 * Readers merge both by seq.
 */
import type { Db } from './db.js';
import { KEY, LOW } from './row-keys.js';

/** The entries as the lines of one history row's `journal`, or undefined when one of them holds a line feed. */
export function journalLines(entries: readonly string[]): string | undefined {
  for (let i = 0; i < entries.length; i++) if (entries[i]!.includes('\n')) return undefined;
  return entries.join('\n');
}

/** Rows per multi-row INSERT into the journal table: one native call per 64 rows instead of one per row. */
const BATCH = 64;

export function journalRepo(db: Db) {
  const s = {
    // Newest history row first: a reader stops at the first row whose entries all come before the seq it wants.
    rows: db.prepare(`SELECT jto, journal FROM history_chunks WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW} ORDER BY id DESC`),
    // Appends to the execution's last history row only when its entries end where these begin (or it has none).
    appendToLast: db.prepare(`UPDATE history_chunks SET journal = CASE WHEN journal IS NULL THEN @text ELSE journal || char(10) || @text END,
      jto = @to WHERE id = (SELECT max(id) FROM history_chunks WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW})
      AND (journal IS NULL OR jto = @from)`),
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
     * Stores the entries of a commit whose history row could not take them (a commit without events, or an entry
     * that is not one line): on the execution's last history row when the seqs continue it, else in the table.
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
      let rows = 0;
      for (const r of s.rows.iterate({ e: executionId }) as IterableIterator<{ jto: number | null }>) {
        if (r.jto !== null) {
          rows = r.jto;
          break;
        }
      }
      return Math.max(rows, (s.tableNext.get({ e: executionId }) as { n: number } | undefined)?.n ?? 0);
    },
  };
}
