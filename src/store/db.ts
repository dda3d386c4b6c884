/**
 * Opens the SQLite database: WAL journal, `synchronous` per the durability setting, and the numbered
 * migrations of migrations.ts applied in order inside one transaction each.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Durability = 'normal' | 'full';
export type Db = Database.Database;

/** Opens (creating when needed) the database at `path` (':memory:' allowed) and migrates it. */
export function openDatabase(path: string, durability: Durability = 'normal'): Db {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // One process owns a database file: the runner resumes every RUNNING execution it finds, so two services on one
  // file would run them twice. EXCLUSIVE (set before WAL is entered) holds the lock until close, keeps the
  // WAL index in process memory instead of a shared -shm file, and saves the ~12 fcntl lock calls SQLite makes per
  // transaction otherwise (docs/performance.md).
  if (path !== ':memory:') {
    db.pragma('locking_mode = EXCLUSIVE');
    claim(db, path);
  }
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode never corrupts the database; it may lose the last commits on power loss (not on a
  // process crash). FULL fsyncs every commit.
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  // Checkpoint every 4,000 WAL pages (16 MiB) instead of 1,000: a page rewritten by many commits (page 1, index
  // interiors) is copied once per checkpoint, and the commit that runs one stalls less often (bench p99 of durable
  // W1/W4: ~5 ms -> ~2 ms). The WAL index lives in process memory (EXCLUSIVE): ~32 KiB for 4,000 pages.
  db.pragma('wal_autocheckpoint = 4000');
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000); it
  // fills within minutes of use and stays resident (1.6 KB per execution of a service holding 10,000). SQLite's
  // stock 2 MB holds the hot pages of every statement here (appends, probes by ARN); the OS caches the file.
  db.pragma('cache_size = -2000');
  migrate(db);
  return db;
}

/** Takes the exclusive lock now (an EXCLUSIVE write lock is taken at the first write), with a clear error if it is held. */
function claim(db: Db, path: string): void {
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new Error(`The database ${path} is in use by another process (a service holds its database exclusively)`);
    }
    throw e;
  }
}

/** Applies every migration newer than the recorded schema version. */
export function migrate(db: Db): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  let version = row.v ?? 0;
  for (let i = version; i < MIGRATIONS.length; i++) {
    const sql = MIGRATIONS[i]!;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(i + 1);
    })();
    version = i + 1;
  }
  return version;
}
