/**
 * Activities and their tasks. A task row is written when a Task state with an activity resource is dispatched
 * (status SCHEDULED), handed to exactly one worker by GetActivityTask (STARTED, in one statement so two pollers
 * never get the same task), and closed by SendTask* or a timeout (its outcome is kept, so a restart between
 * closing the task and committing the result to the execution replays the same outcome).
 */
import type { Db } from './db.js';

export interface ActivityRow {
  arn: string;
  name: string;
  createdMs: number;
}

export type ActivityTaskStatus = 'SCHEDULED' | 'STARTED' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface ActivityTaskRow {
  token: string;
  activityArn: string;
  executionArn: string;
  taskId: string;
  input: string;
  status: ActivityTaskStatus;
  workerName: string | null;
  /** JSON of the TaskOutcome once closed. */
  outcome: string | null;
  createdMs: number;
  updatedMs: number;
}

const TASK_COLS = `token, activity_arn AS activityArn, execution_arn AS executionArn, task_id AS taskId, input, status,
  worker_name AS workerName, outcome, created_ms AS createdMs, updated_ms AS updatedMs`;

/** Prepared statements over the activity tables. */
export function activityRepo(db: Db) {
  const s = {
    get: db.prepare('SELECT arn, name, created_ms AS createdMs FROM activities WHERE arn = ?'),
    insert: db.prepare('INSERT INTO activities (arn, name, created_ms) VALUES (?, ?, ?) ON CONFLICT (arn) DO NOTHING'),
    page: db.prepare('SELECT arn, name, created_ms AS createdMs FROM activities WHERE name > ? ORDER BY name LIMIT ?'),
    delete: db.prepare('DELETE FROM activities WHERE arn = ?'),
    task: db.prepare(`SELECT ${TASK_COLS} FROM activity_tasks WHERE token = ?`),
    taskOf: db.prepare(`SELECT ${TASK_COLS} FROM activity_tasks WHERE execution_arn = ? AND task_id = ?`),
    addTask: db.prepare(`INSERT INTO activity_tasks (token, activity_arn, execution_arn, task_id, input, status, created_ms, updated_ms)
      VALUES (?, ?, ?, ?, ?, 'SCHEDULED', ?, ?)`),
    next: db.prepare(`SELECT ${TASK_COLS} FROM activity_tasks WHERE activity_arn = ? AND status = 'SCHEDULED' ORDER BY created_ms, rowid LIMIT 1`),
    claim: db.prepare(`UPDATE activity_tasks SET status = 'STARTED', worker_name = ?, updated_ms = ? WHERE token = ? AND status = 'SCHEDULED'`),
    close: db.prepare(`UPDATE activity_tasks SET status = ?, outcome = ?, updated_ms = ? WHERE token = ? AND status IN ('SCHEDULED', 'STARTED')`),
  };
  return {
    get: (arn: string) => s.get.get(arn) as ActivityRow | undefined,
    /** Creates the activity unless it exists (CreateActivity is idempotent by name). */
    insert: (arn: string, name: string, nowMs: number) => void s.insert.run(arn, name, nowMs),
    /** Activities ordered by name, after `afterName`. */
    page: (afterName: string, limit: number) => s.page.all(afterName, limit) as ActivityRow[],
    delete: (arn: string) => s.delete.run(arn).changes > 0,
    task: (token: string) => s.task.get(token) as ActivityTaskRow | undefined,
    taskOf: (executionArn: string, taskId: string) => s.taskOf.get(executionArn, taskId) as ActivityTaskRow | undefined,
    addTask: (t: { token: string; activityArn: string; executionArn: string; taskId: string; input: string; nowMs: number }) =>
      void s.addTask.run(t.token, t.activityArn, t.executionArn, t.taskId, t.input, t.nowMs, t.nowMs),
    /** Hands the oldest scheduled task of an activity to one worker; undefined when none is waiting. */
    claim: (activityArn: string, workerName: string | null, nowMs: number): ActivityTaskRow | undefined =>
      db.transaction(() => {
        const row = s.next.get(activityArn) as ActivityTaskRow | undefined;
        if (!row || s.claim.run(workerName, nowMs, row.token).changes === 0) return undefined;
        return { ...row, status: 'STARTED' as const, workerName };
      })(),
    /** ARNs of the executions the store has as RUNNING, newest first. */
    /** Closes an open task with its outcome; false when it was already closed. */
    close: (token: string, status: Exclude<ActivityTaskStatus, 'SCHEDULED' | 'STARTED'>, outcome: string, nowMs: number) =>
      s.close.run(status, outcome, nowMs, token).changes > 0,
  };
}

export type ActivityRepo = ReturnType<typeof activityRepo>;
