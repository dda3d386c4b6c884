/**
 * The storage limit our history persistence is compared with: plain better-sqlite3 inserts of one row per event
 * into a table keyed (execution_id, event_id) (WITHOUT ROWID, same WAL + synchronous=NORMAL pragmas as
 * src/store/db.ts), rows of the same average size as the events the run wrote, `batch` rows per transaction.
 * (The store itself keeps up to 256 events of a commit in one row, so it can beat this rate.)
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';

export function rawInsertRate(dir: string, rowBytes: number, batch = 100, seconds = 1.5, name = 'raw-insert'): { rowsPerSec: number; batch: number; rowBytes: number } {
  const db = new Database(join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE history (execution_id INTEGER NOT NULL, event_id INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (execution_id, event_id)) WITHOUT ROWID');
  const ins = db.prepare('INSERT INTO history (execution_id, event_id, event) VALUES (?, ?, ?)');
  // A JSON-ish payload of the right length whose bytes vary row to row, like real events.
  const base = JSON.stringify({ timestamp: 0, type: 'PassStateExited', id: 0, previousEventId: 0, stateExitedEventDetails: { name: 'S', output: 'x'.repeat(Math.max(0, rowBytes)) } }).slice(0, Math.max(8, Math.round(rowBytes)));
  let exec = 0;
  const tx = db.transaction((n: number) => {
    exec++;
    for (let i = 1; i <= n; i++) ins.run(exec, i, `${i}${base}`.slice(0, base.length));
  });
  for (let i = 0; i < 20; i++) tx(batch);
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    tx(batch);
    rows += batch;
  }
  const rowsPerSec = rows / ((performance.now() - t0) / 1000);
  db.close();
  return { rowsPerSec, batch, rowBytes };
}
