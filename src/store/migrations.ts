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
  // 2: function registry v2 (endpoint pools or a code folder, config, revisions), published function versions and
  // aliases; activities and their tasks (a parked task survives a restart and is re-offered to workers).
  `
  ALTER TABLE functions ADD COLUMN config TEXT;
  ALTER TABLE functions ADD COLUMN code_hash TEXT;
  ALTER TABLE functions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
  CREATE TABLE function_versions (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    config TEXT NOT NULL,
    code_hash TEXT,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (name, version)
  ) WITHOUT ROWID;
  CREATE TABLE function_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (name, alias)
  ) WITHOUT ROWID;
  CREATE TABLE activities (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE activity_tasks (
    token TEXT PRIMARY KEY,
    activity_arn TEXT NOT NULL,
    execution_arn TEXT NOT NULL,
    task_id TEXT NOT NULL,
    input TEXT NOT NULL,
    status TEXT NOT NULL,
    worker_name TEXT,
    outcome TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX activity_tasks_by_task ON activity_tasks (execution_arn, task_id);
  CREATE INDEX activity_tasks_queue ON activity_tasks (activity_arn, status, created_ms);
  `,
  // 3: durable queues (issue 8): queues with their dead-letter queue, messages (a lease marks the ones in flight),
  // deduplication ids (5-minute window), event-source mappings queue -> state machine, and leases (one per
  // execution started for a batch; the execution name derives from the lease id).
  `
  CREATE TABLE queues (
    name TEXT PRIMARY KEY,
    dlq TEXT,
    dlq_of TEXT,
    max_receive_count INTEGER,
    visibility_timeout_s INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE TABLE queue_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    dedup_id TEXT,
    sent_ms INTEGER NOT NULL,
    visible_ms INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_receive_ms INTEGER,
    lease_id INTEGER,
    source_queue TEXT,
    last_error TEXT,
    last_cause TEXT
  );
  CREATE INDEX queue_messages_ready ON queue_messages (queue, lease_id, seq);
  CREATE INDEX queue_messages_by_lease ON queue_messages (lease_id);
  CREATE TABLE queue_dedup (
    queue TEXT NOT NULL,
    dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_ms INTEGER NOT NULL,
    PRIMARY KEY (queue, dedup_id)
  ) WITHOUT ROWID;
  CREATE TABLE queue_mappings (
    uuid TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    sm_arn TEXT NOT NULL,
    batch_size INTEGER NOT NULL,
    batching_window_s INTEGER NOT NULL,
    maximum_concurrency INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE queue_leases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mapping_uuid TEXT NOT NULL,
    queue TEXT NOT NULL,
    sm_arn TEXT NOT NULL,
    execution_name TEXT NOT NULL,
    input TEXT NOT NULL,
    execution_arn TEXT,
    expires_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  );
  `,
  // 4: schedules (cron/rate, decided-through cursor and the fire whose start is unconfirmed), HTTP triggers with
  // their stored Express responses per Idempotency-Key, event rules and the durable event bus (issue 8).
  `
  CREATE TABLE schedules (
    name TEXT PRIMARY KEY,
    expression TEXT NOT NULL,
    timezone TEXT NOT NULL,
    target_arn TEXT NOT NULL,
    input TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    overlap_policy TEXT NOT NULL,
    missed_policy TEXT NOT NULL,
    description TEXT,
    anchor_ms INTEGER NOT NULL,
    cursor_ms INTEGER NOT NULL,
    last_fired_ms INTEGER,
    last_execution_arn TEXT,
    pending_fire_ms INTEGER,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE TABLE http_triggers (
    name TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    sm_arn TEXT NOT NULL,
    response_mapping TEXT,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE http_trigger_responses (
    trigger_name TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    response TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (trigger_name, idempotency_key)
  ) WITHOUT ROWID;
  CREATE TABLE event_rules (
    name TEXT PRIMARY KEY,
    pattern TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT,
    targets TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE TABLE bus_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    delivered_ms INTEGER,
    error TEXT
  );
  CREATE INDEX bus_events_pending ON bus_events (delivered_ms, seq);
  `,
  // 5: history in chunks: one row holds the events of one commit of one execution, at most 64 of them (ids
  // first_id..last_id, contiguous), as a JSON array. One row per event made SQLite's per-row B-tree work the store's
  // largest cost (docs/performance.md); reads parse a chunk and slice it. Old rows become one-event chunks.
  `
  CREATE TABLE history_chunks (
    execution_id INTEGER NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    events TEXT NOT NULL
  );
  CREATE UNIQUE INDEX history_chunks_by_last ON history_chunks (execution_id, last_id);
  INSERT INTO history_chunks (execution_id, first_id, last_id, events)
    SELECT execution_id, event_id, event_id, '[' || event || ']' FROM history ORDER BY execution_id, event_id;
  DROP TABLE history;
  `,
  // 6: every .waitForTaskToken token ever issued, with its execution: once its task is closed the runner forgets
  // it, and AWS then answers SendTask* with TaskTimedOut ("Provided task does not exist anymore"), not InvalidToken
  // (kept for tokens that were never issued).
  `
  CREATE TABLE task_tokens (
    token TEXT PRIMARY KEY,
    execution_id INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 7: history chunks and journal keyed by one integer, execution_id * 2^32 + (last event id | journal seq), as their
  // rowid. A separate (execution_id, ...) index, and a WITHOUT ROWID journal whose B-tree splits pages in half, made
  // a one-Task commit write ~10 pages; a rowid table appends in place (docs/performance.md). Event ids and journal
  // seqs stay below 2^32; execution ids below 2^31.
  `
  CREATE TABLE history_chunks_v7 (
    id INTEGER PRIMARY KEY,
    first_id INTEGER NOT NULL,
    events NOT NULL
  );
  INSERT INTO history_chunks_v7 (id, first_id, events)
    SELECT execution_id * 4294967296 + last_id, first_id, events FROM history_chunks ORDER BY execution_id, last_id;
  DROP TABLE history_chunks;
  ALTER TABLE history_chunks_v7 RENAME TO history_chunks;
  CREATE TABLE journal_v7 (
    id INTEGER PRIMARY KEY,
    input TEXT NOT NULL
  );
  INSERT INTO journal_v7 (id, input) SELECT execution_id * 4294967296 + seq, input FROM journal ORDER BY execution_id, seq;
  DROP TABLE journal;
  ALTER TABLE journal_v7 RENAME TO journal;
  `,
  // 8: a new execution row writes two pages fewer (sqlite_sequence's and the status index's, counted in the WAL).
  // No AUTOINCREMENT: it rewrote sqlite_sequence on every insert, and keeps no promise we need — execution
  // rows are never deleted, so max(id) + 1 never reuses an id (history and journal rows are keyed by it). The status
  // index covers RUNNING rows only: the one query on status alone is recovery's `status = 'RUNNING'`, and an
  // execution that ends in the commit that starts it (a Pass chain, an Express-like Standard run) then never
  // touches it; ListExecutions by status goes through executions_by_sm.
  `
  CREATE TABLE executions_v8 (
    id INTEGER PRIMARY KEY,
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
  INSERT INTO executions_v8 (id, arn, sm_arn, name, revision_id, version_arn, alias_arn, status, input, output, error, cause, start_ms, stop_ms,
    trace_header, seed, state, journal_len, redrive_count, redrive_ms)
    SELECT id, arn, sm_arn, name, revision_id, version_arn, alias_arn, status, input, output, error, cause, start_ms, stop_ms,
    trace_header, seed, state, journal_len, redrive_count, redrive_ms FROM executions ORDER BY id;
  DROP TABLE executions;
  ALTER TABLE executions_v8 RENAME TO executions;
  CREATE INDEX executions_by_sm ON executions (sm_arn, id);
  CREATE INDEX executions_running ON executions (id) WHERE status = 'RUNNING';
  `,
  // 9: a commit's journal entries in its history row (journal.ts): `journal` holds them as lines, `jto` is the seq
  // after the last of them. A Task's commit wrote a journal leaf and, every other commit, a journal interior page
  // besides the history row: ~1.4 of its ~5.3 WAL pages (docs/performance.md). jto and journal come before
  // `events`, so reading them never touches a large chunk's overflow pages (and a row's journal is bounded, so
  // reading events passes over at most 4 KiB of it). The journal table keeps the entries written before this
  // migration and those no history row can take.
  `
  CREATE TABLE history_chunks_v9 (
    id INTEGER PRIMARY KEY,
    first_id INTEGER NOT NULL,
    jto INTEGER,
    journal TEXT,
    events NOT NULL
  );
  INSERT INTO history_chunks_v9 (id, first_id, events) SELECT id, first_id, events FROM history_chunks ORDER BY id;
  DROP TABLE history_chunks;
  ALTER TABLE history_chunks_v9 RENAME TO history_chunks;
  `,
  // 10: timers by due time. An execution whose only wake-up is a distant timer leaves memory (runtime/wakeups.ts);
  // a sweep finds the timers coming due within the horizon here, so the process holds nothing for it until then.
  `
  CREATE INDEX timers_by_fire ON timers (fire_at, execution_id);
  `,
];
