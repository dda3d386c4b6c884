/**
 * Schedules (`/api/schedules`): one row per schedule with its bookkeeping. `cursor_ms` is the instant up to which
 * every fire time has been decided (fired, skipped for overlap, or skipped as missed); `pending_fire_ms` is a fire
 * that was decided but whose StartExecution is not yet confirmed — recovery retries it under the same
 * deterministic execution name, so a crash between the two can neither lose nor double a fire.
 */
import type { Db } from './db.js';

export interface ScheduleRow {
  name: string;
  expression: string;
  timezone: string;
  targetArn: string;
  input: string;
  enabled: number;
  overlapPolicy: string;
  missedPolicy: string;
  description: string | null;
  anchorMs: number;
  cursorMs: number;
  lastFiredMs: number | null;
  lastExecutionArn: string | null;
  pendingFireMs: number | null;
  createdMs: number;
  updatedMs: number;
}

const COLS = `name, expression, timezone, target_arn AS targetArn, input, enabled, overlap_policy AS overlapPolicy,
  missed_policy AS missedPolicy, description, anchor_ms AS anchorMs, cursor_ms AS cursorMs, last_fired_ms AS lastFiredMs,
  last_execution_arn AS lastExecutionArn, pending_fire_ms AS pendingFireMs, created_ms AS createdMs, updated_ms AS updatedMs`;

/** Prepared statements over the schedules table. */
export function scheduleRepo(db: Db) {
  const s = {
    get: db.prepare(`SELECT ${COLS} FROM schedules WHERE name = ?`),
    list: db.prepare(`SELECT ${COLS} FROM schedules ORDER BY name`),
    insert: db.prepare(`INSERT INTO schedules (name, expression, timezone, target_arn, input, enabled, overlap_policy, missed_policy,
      description, anchor_ms, cursor_ms, created_ms, updated_ms)
      VALUES (@name, @expression, @timezone, @targetArn, @input, @enabled, @overlapPolicy, @missedPolicy, @description, @anchorMs,
      @cursorMs, @createdMs, @updatedMs)`),
    update: db.prepare(`UPDATE schedules SET expression = @expression, timezone = @timezone, target_arn = @targetArn, input = @input,
      enabled = @enabled, overlap_policy = @overlapPolicy, missed_policy = @missedPolicy, description = @description,
      anchor_ms = @anchorMs, cursor_ms = @cursorMs, updated_ms = @updatedMs WHERE name = @name`),
    delete: db.prepare('DELETE FROM schedules WHERE name = ?'),
    decide: db.prepare('UPDATE schedules SET cursor_ms = ?, pending_fire_ms = ? WHERE name = ? AND cursor_ms = ?'),
    fired: db.prepare('UPDATE schedules SET last_fired_ms = ?, last_execution_arn = ?, pending_fire_ms = NULL WHERE name = ? AND pending_fire_ms = ?'),
  };
  return {
    get: (name: string) => s.get.get(name) as ScheduleRow | undefined,
    list: () => s.list.all() as ScheduleRow[],
    insert: (row: ScheduleRow) => void s.insert.run(row),
    update: (row: ScheduleRow) => void s.update.run(row),
    delete: (name: string) => s.delete.run(name).changes > 0,
    /**
     * Moves the cursor from `fromCursor` to `cursor` and records `pendingFire` (null: nothing to start) in one
     * statement; false when another decision got there first (the cursor moved), so a fire is decided once.
     */
    decide: (name: string, fromCursor: number, cursor: number, pendingFire: number | null) =>
      s.decide.run(cursor, pendingFire, name, fromCursor).changes > 0,
    /** Clears the pending fire `fireMs`: it started `executionArn` (null: the start failed for good). */
    fired: (name: string, fireMs: number, executionArn: string | null) => void s.fired.run(fireMs, executionArn, name, fireMs),
  };
}

export type ScheduleRepo = ReturnType<typeof scheduleRepo>;
