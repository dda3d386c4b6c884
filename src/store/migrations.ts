/**
 * Numbered SQL migrations. A migration is never edited once shipped: add a new one. `schema_version` records
 * the highest applied number, so opening an old database upgrades it in place.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: state machines, revisions, versions, aliases, tags, executions, journal, history, outbox, timers, functions.
  `
  CREATE TABLE state_machines (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    logging TEXT,
    tracing TEXT,
    encryption TEXT,
    description TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE revisions (
    revision_id TEXT PRIMARY KEY,
    sm_arn TEXT NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE versions (
    arn TEXT PRIMARY KEY,
    sm_arn TEXT NOT NULL,
    version INTEGER NOT NULL,
    revision_id TEXT NOT NULL,
    description TEXT,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX versions_by_sm ON versions (sm_arn, version);
  CREATE TABLE aliases (
    arn TEXT PRIMARY KEY,
    sm_arn TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    routing TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE INDEX aliases_by_sm ON aliases (sm_arn, name);
  CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
  ) WITHOUT ROWID;
  CREATE TABLE executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    arn TEXT NOT NULL UNIQUE,
    sm_arn TEXT NOT NULL,
    name TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    version_arn TEXT,
    alias_arn TEXT,
    status TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    start_ms INTEGER NOT NULL,
    stop_ms INTEGER,
    trace_header TEXT,
    seed INTEGER NOT NULL,
    state TEXT,
    journal_len INTEGER NOT NULL DEFAULT 0,
    redrive_count INTEGER NOT NULL DEFAULT 0,
    redrive_ms INTEGER
  );
  CREATE INDEX executions_by_sm ON executions (sm_arn, id);
  CREATE INDEX executions_by_status ON executions (status);
  CREATE TABLE journal (
    execution_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    input TEXT NOT NULL,
    PRIMARY KEY (execution_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE history (
    execution_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (execution_id, event_id)
  ) WITHOUT ROWID;
  CREATE TABLE outbox (
    execution_id INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    command TEXT NOT NULL,
    started INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (execution_id, task_id)
  ) WITHOUT ROWID;
  CREATE TABLE timers (
    execution_id INTEGER NOT NULL,
    timer_id TEXT NOT NULL,
    fire_at INTEGER NOT NULL,
    PRIMARY KEY (execution_id, timer_id)
  ) WITHOUT ROWID;
  CREATE TABLE functions (
    name TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  `,
];
