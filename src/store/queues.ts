/**
 * Durable queues (migration 3): queues, messages, deduplication ids, event-source mappings and leases. A message
 * is in flight while `lease_id` names a lease; leasing and settling are single transactions, so a message is
 * never in two leases and never lost between them.
 */
import type { Db } from './db.js';

export interface QueueRow {
  name: string;
  /** The dead-letter queue's name (null for a queue that is itself a DLQ). */
  dlq: string | null;
  /** For a dead-letter queue: the queue it serves. */
  dlqOf: string | null;
  maxReceiveCount: number | null;
  visibilityTimeoutS: number;
  createdMs: number;
  updatedMs: number;
}

export interface MessageRow {
  seq: number;
  messageId: string;
  queue: string;
  body: string;
  dedupId: string | null;
  sentMs: number;
  visibleMs: number;
  receiveCount: number;
  firstReceiveMs: number | null;
  leaseId: number | null;
  sourceQueue: string | null;
  lastError: string | null;
  lastCause: string | null;
}

export interface MappingRow {
  uuid: string;
  queue: string;
  smArn: string;
  batchSize: number;
  batchingWindowS: number;
  maximumConcurrency: number;
  enabled: number;
  createdMs: number;
}

export interface LeaseRow {
  id: number;
  mappingUuid: string;
  queue: string;
  smArn: string;
  executionName: string;
  input: string;
  executionArn: string | null;
  expiresMs: number;
  createdMs: number;
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  /** Epoch ms since which the oldest visible message has been waiting (null when none is visible). */
  oldestVisibleMs: number | null;
}

const Q = `name, dlq, dlq_of AS dlqOf, max_receive_count AS maxReceiveCount, visibility_timeout_s AS visibilityTimeoutS,
  created_ms AS createdMs, updated_ms AS updatedMs`;
const M = `seq, message_id AS messageId, queue, body, dedup_id AS dedupId, sent_ms AS sentMs, visible_ms AS visibleMs,
  receive_count AS receiveCount, first_receive_ms AS firstReceiveMs, lease_id AS leaseId, source_queue AS sourceQueue,
  last_error AS lastError, last_cause AS lastCause`;
const MAP = `uuid, queue, sm_arn AS smArn, batch_size AS batchSize, batching_window_s AS batchingWindowS,
  maximum_concurrency AS maximumConcurrency, enabled, created_ms AS createdMs`;
const L = `id, mapping_uuid AS mappingUuid, queue, sm_arn AS smArn, execution_name AS executionName, input,
  execution_arn AS executionArn, expires_ms AS expiresMs, created_ms AS createdMs`;

/** Prepared statements over the queue tables. */
export function queueRepo(db: Db) {
  const s = {
    queue: db.prepare(`SELECT ${Q} FROM queues WHERE name = ?`),
    queues: db.prepare(`SELECT ${Q} FROM queues ORDER BY name`),
    putQueue: db.prepare(`INSERT INTO queues (name, dlq, dlq_of, max_receive_count, visibility_timeout_s, created_ms, updated_ms)
      VALUES (@name, @dlq, @dlqOf, @maxReceiveCount, @visibilityTimeoutS, @createdMs, @updatedMs)
      ON CONFLICT (name) DO UPDATE SET max_receive_count = excluded.max_receive_count,
        visibility_timeout_s = excluded.visibility_timeout_s, updated_ms = excluded.updated_ms`),
    counts: db.prepare(`SELECT sum(lease_id IS NULL) AS visible, sum(lease_id IS NOT NULL) AS inFlight,
      min(CASE WHEN lease_id IS NULL THEN visible_ms END) AS oldestVisibleMs FROM queue_messages WHERE queue = ?`),
    insert: db.prepare(`INSERT INTO queue_messages (message_id, queue, body, dedup_id, sent_ms, visible_ms)
      VALUES (?, ?, ?, ?, ?, ?)`),
    dedup: db.prepare('SELECT message_id AS messageId, sent_ms AS sentMs FROM queue_dedup WHERE queue = ? AND dedup_id = ?'),
    putDedup: db.prepare(`INSERT INTO queue_dedup (queue, dedup_id, message_id, sent_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (queue, dedup_id) DO UPDATE SET message_id = excluded.message_id, sent_ms = excluded.sent_ms`),
    pruneDedup: db.prepare('DELETE FROM queue_dedup WHERE queue = ? AND sent_ms < ?'),
    peek: db.prepare(`SELECT visible_ms AS v FROM queue_messages WHERE queue = ? AND lease_id IS NULL AND visible_ms <= ? ORDER BY seq LIMIT ?`),
    visible: db.prepare(`SELECT ${M} FROM queue_messages WHERE queue = ? AND lease_id IS NULL AND visible_ms <= ? ORDER BY seq LIMIT ?`),
    messages: db.prepare(`SELECT ${M} FROM queue_messages WHERE queue = ? ORDER BY seq LIMIT ?`),
    leased: db.prepare(`SELECT ${M} FROM queue_messages WHERE lease_id = ? ORDER BY seq`),
    take: db.prepare(`UPDATE queue_messages SET lease_id = ?, receive_count = receive_count + 1,
      first_receive_ms = coalesce(first_receive_ms, ?) WHERE seq = ? AND lease_id IS NULL`),
    addLease: db.prepare(`INSERT INTO queue_leases (mapping_uuid, queue, sm_arn, execution_name, input, expires_ms, created_ms)
      VALUES (?, ?, ?, '', '', ?, ?)`),
    fillLease: db.prepare('UPDATE queue_leases SET execution_name = ?, input = ? WHERE id = ?'),
    lease: db.prepare(`SELECT ${L} FROM queue_leases WHERE id = ?`),
    leases: db.prepare(`SELECT ${L} FROM queue_leases ORDER BY id`),
    leaseCount: db.prepare('SELECT count(*) AS n FROM queue_leases WHERE mapping_uuid = ?'),
    setArn: db.prepare('UPDATE queue_leases SET execution_arn = ? WHERE id = ?'),
    dropLease: db.prepare('DELETE FROM queue_leases WHERE id = ?'),
    deleteLeased: db.prepare('DELETE FROM queue_messages WHERE lease_id = ?'),
    release: db.prepare(`UPDATE queue_messages SET lease_id = NULL, visible_ms = ?, last_error = ?, last_cause = ? WHERE seq = ?`),
    deadLetter: db.prepare(`UPDATE queue_messages SET queue = ?, source_queue = ?, lease_id = NULL, visible_ms = ?,
      last_error = ?, last_cause = ? WHERE seq = ?`),
    redrive: db.prepare(`UPDATE queue_messages SET queue = ?, source_queue = NULL, receive_count = 0, first_receive_ms = NULL,
      visible_ms = ? WHERE queue = ? AND lease_id IS NULL AND seq IN (SELECT seq FROM queue_messages WHERE queue = ? AND lease_id IS NULL ORDER BY seq LIMIT ?)`),
    mapping: db.prepare(`SELECT ${MAP} FROM queue_mappings WHERE uuid = ?`),
    mappings: db.prepare(`SELECT ${MAP} FROM queue_mappings ORDER BY created_ms, uuid`),
    addMapping: db.prepare(`INSERT INTO queue_mappings (uuid, queue, sm_arn, batch_size, batching_window_s, maximum_concurrency, enabled, created_ms)
      VALUES (@uuid, @queue, @smArn, @batchSize, @batchingWindowS, @maximumConcurrency, @enabled, @createdMs)`),
    deleteMapping: db.prepare('DELETE FROM queue_mappings WHERE uuid = ?'),
  };
  return {
    queue: (name: string) => s.queue.get(name) as QueueRow | undefined,
    queues: () => s.queues.all() as QueueRow[],
    putQueue: (row: QueueRow) => void s.putQueue.run(row),
    counts(name: string): QueueCounts {
      const r = s.counts.get(name) as { visible: number | null; inFlight: number | null; oldestVisibleMs: number | null };
      return { visible: r.visible ?? 0, inFlight: r.inFlight ?? 0, oldestVisibleMs: r.oldestVisibleMs };
    },
    /**
     * Enqueues a message unless its deduplication id was seen within `windowMs` (SQS FIFO: such a send is
     * accepted and answers with the first message's id, but nothing new is enqueued).
     */
    send: (m: { messageId: string; queue: string; body: string; dedupId: string | null; nowMs: number; windowMs: number }) =>
      db.transaction((): { messageId: string; duplicate: boolean } => {
        if (m.dedupId !== null) {
          s.pruneDedup.run(m.queue, m.nowMs - m.windowMs);
          const seen = s.dedup.get(m.queue, m.dedupId) as { messageId: string } | undefined;
          if (seen) return { messageId: seen.messageId, duplicate: true };
          s.putDedup.run(m.queue, m.dedupId, m.messageId, m.nowMs);
        }
        s.insert.run(m.messageId, m.queue, m.body, m.dedupId, m.nowMs, m.nowMs);
        return { messageId: m.messageId, duplicate: false };
      })(),
    /** The next batch a lease would take: how many messages, and since when the oldest of them is visible. */
    peek(queue: string, nowMs: number, limit: number): { n: number; oldestMs: number | null } {
      const rows = s.peek.all(queue, nowMs, limit) as Array<{ v: number }>;
      return { n: rows.length, oldestMs: rows.length === 0 ? null : Math.min(...rows.map((r) => r.v)) };
    },
    messages: (queue: string, limit: number) => s.messages.all(queue, limit) as MessageRow[],
    /**
     * Leases up to `limit` visible messages of the mapping's queue in one transaction. `describe` turns the
     * lease id and its messages (receive counts already incremented) into the execution name and input,
     * which are stored with the lease so a restart starts exactly that execution.
     */
    lease: (map: MappingRow, nowMs: number, limit: number, expiresMs: number,
      describe: (leaseId: number, messages: MessageRow[]) => { name: string; input: string }) =>
      db.transaction((): LeaseRow | undefined => {
        const ready = s.visible.all(map.queue, nowMs, limit) as MessageRow[];
        if (ready.length === 0) return undefined;
        const id = Number(s.addLease.run(map.uuid, map.queue, map.smArn, expiresMs, nowMs).lastInsertRowid);
        for (const m of ready) s.take.run(id, nowMs, m.seq);
        const d = describe(id, s.leased.all(id) as MessageRow[]);
        s.fillLease.run(d.name, d.input, id);
        return s.lease.get(id) as LeaseRow;
      })(),
    leases: () => s.leases.all() as LeaseRow[],
    leaseCount: (mappingUuid: string) => (s.leaseCount.get(mappingUuid) as { n: number }).n,
    leased: (leaseId: number) => s.leased.all(leaseId) as MessageRow[],
    setExecutionArn: (leaseId: number, arn: string) => void s.setArn.run(arn, leaseId),
    /** The lease's execution succeeded: its messages are deleted. */
    settleSuccess: (leaseId: number) => db.transaction(() => {
      s.deleteLeased.run(leaseId);
      s.dropLease.run(leaseId);
    })(),
    /**
     * The lease failed: each message becomes visible again, or moves to the dead-letter queue once it has been
     * received `maxReceiveCount` times (SQS redrive policy).
     */
    settleFailure: (leaseId: number, q: QueueRow, nowMs: number, error: string | null, cause: string | null) =>
      db.transaction(() => {
        let dead = 0;
        for (const m of s.leased.all(leaseId) as MessageRow[]) {
          if (q.dlq !== null && q.maxReceiveCount !== null && m.receiveCount >= q.maxReceiveCount) {
            s.deadLetter.run(q.dlq, q.name, nowMs, error, cause, m.seq);
            dead++;
          } else {
            s.release.run(nowMs, error, cause, m.seq);
          }
        }
        s.dropLease.run(leaseId);
        return dead;
      })(),
    /** Moves up to `limit` messages from a dead-letter queue back to its source queue, as new receives. */
    redrive: (dlq: string, source: string, nowMs: number, limit: number) =>
      s.redrive.run(source, nowMs, dlq, dlq, limit).changes,
    mapping: (uuid: string) => s.mapping.get(uuid) as MappingRow | undefined,
    mappings: () => s.mappings.all() as MappingRow[],
    addMapping: (row: MappingRow) => void s.addMapping.run(row),
    deleteMapping: (uuid: string) => s.deleteMapping.run(uuid).changes > 0,
  };
}

export type QueueRepo = ReturnType<typeof queueRepo>;
