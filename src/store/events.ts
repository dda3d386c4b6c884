/**
 * Event rules and the durable event bus. An accepted PutEvents is committed to `bus_events` before it is
 * answered; delivery happens after the commit and marks the row delivered, so a restart redelivers whatever was
 * accepted but not yet delivered (targets are started under deterministic names, so redelivery is idempotent).
 */
import type { Db } from './db.js';

export interface EventRuleRow {
  name: string;
  pattern: string;
  state: string;
  description: string | null;
  /** JSON array of targets. */
  targets: string;
  createdMs: number;
  updatedMs: number;
}

export interface BusEventRow {
  seq: number;
  eventId: string;
  event: string;
  createdMs: number;
}

const RULE_COLS = 'name, pattern, state, description, targets, created_ms AS createdMs, updated_ms AS updatedMs';

/** Prepared statements over the event tables. */
export function eventRepo(db: Db) {
  const s = {
    rule: db.prepare(`SELECT ${RULE_COLS} FROM event_rules WHERE name = ?`),
    rules: db.prepare(`SELECT ${RULE_COLS} FROM event_rules ORDER BY name`),
    putRule: db.prepare(`INSERT INTO event_rules (name, pattern, state, description, targets, created_ms, updated_ms)
      VALUES (@name, @pattern, @state, @description, @targets, @createdMs, @updatedMs)
      ON CONFLICT (name) DO UPDATE SET pattern = excluded.pattern, state = excluded.state, description = excluded.description,
        targets = excluded.targets, updated_ms = excluded.updated_ms`),
    deleteRule: db.prepare('DELETE FROM event_rules WHERE name = ?'),
    addEvent: db.prepare('INSERT INTO bus_events (event_id, event, created_ms) VALUES (?, ?, ?)'),
    pending: db.prepare(`SELECT seq, event_id AS eventId, event, created_ms AS createdMs FROM bus_events
      WHERE delivered_ms IS NULL AND seq > ? ORDER BY seq LIMIT ?`),
    delivered: db.prepare('UPDATE bus_events SET delivered_ms = ?, error = ? WHERE seq = ?'),
    prune: db.prepare('DELETE FROM bus_events WHERE delivered_ms IS NOT NULL AND delivered_ms < ?'),
    count: db.prepare('SELECT count(*) AS n, sum(delivered_ms IS NULL) AS pending FROM bus_events'),
  };
  return {
    rule: (name: string) => s.rule.get(name) as EventRuleRow | undefined,
    rules: () => s.rules.all() as EventRuleRow[],
    putRule: (row: EventRuleRow) => void s.putRule.run(row),
    deleteRule: (name: string) => s.deleteRule.run(name).changes > 0,
    /** Stores events in one transaction (all or none). */
    addEvents: (events: { eventId: string; event: string }[], nowMs: number) => db.transaction(() => {
      for (const e of events) s.addEvent.run(e.eventId, e.event, nowMs);
    })(),
    /** Undelivered events with seq > afterSeq, oldest first. */
    pending: (afterSeq = 0, limit = 100) => s.pending.all(afterSeq, limit) as BusEventRow[],
    markDelivered: (seq: number, nowMs: number, error: string | null) => void s.delivered.run(nowMs, error, seq),
    /** Drops delivered events older than `beforeMs`. */
    prune: (beforeMs: number) => s.prune.run(beforeMs).changes,
    counts: () => s.count.get() as { n: number; pending: number | null },
  };
}

export type EventRepo = ReturnType<typeof eventRepo>;
