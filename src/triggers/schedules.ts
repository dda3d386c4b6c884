/**
 * Schedule use cases behind `/api/schedules`: a request is validated completely (expression, time zone, target,
 * input, policies) before anything is stored, so a 400 leaves nothing behind. Fields follow EventBridge
 * Scheduler where it has one (`scheduleExpression`, `scheduleExpressionTimezone`, `target.arn`, `target.input`);
 * the short forms (`expression`, `timezone`, `stateMachineArn`, `input`) are accepted too.
 */
import { machineOf, type ServiceContext } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { schedulesOf, type ScheduleRow } from '../service/schedules.js';
import { fireCalendar, parseScheduleExpression } from './cron-expression.js';
import { validTimeZone } from './cron-time.js';

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const OVERLAP = ['SKIP', 'ALLOW'] as const;
const MISSED = ['SKIP', 'RUN_ONCE'] as const;

const bad = (message: string) => new ServiceError('ValidationException', message, 400);

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`${what} must be a string`);
  return v;
}

function oneOf<T extends string>(v: unknown, what: string, allowed: readonly T[], dflt: T): T {
  const s = str(v, what) ?? dflt;
  if (!(allowed as readonly string[]).includes(s)) throw bad(`${what} must be one of ${allowed.join(', ')}; got '${s}'`);
  return s as T;
}

/** Execution input: a JSON value (stored as its text) or a string that must hold JSON. */
function inputText(v: unknown): string {
  if (v === undefined || v === null) return '{}';
  if (typeof v !== 'string') return JSON.stringify(v);
  try {
    JSON.parse(v);
  } catch {
    throw bad('input must be JSON (a JSON value, or a string holding JSON text)');
  }
  return v;
}

/** Validates a create/replace request into a row (bookkeeping columns from `prev`, or fresh). */
function toRow(ctx: ServiceContext, name: string, body: unknown, prev: ScheduleRow | undefined): ScheduleRow {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const target = (typeof b['target'] === 'object' && b['target'] !== null ? b['target'] : {}) as Record<string, unknown>;
  if (!NAME.test(name)) throw bad(`name '${name}' must be 1-64 characters of [0-9a-zA-Z_.-]`);
  const expression = str(b['scheduleExpression'] ?? b['expression'], 'expression');
  if (expression === undefined) throw bad('expression is required: cron(...), rate(...) or a 5-field cron expression');
  const timezone = str(b['scheduleExpressionTimezone'] ?? b['timezone'], 'timezone') ?? 'UTC';
  if (!validTimeZone(timezone)) throw bad(`timezone '${timezone}' is not a known IANA time zone`);
  parseScheduleExpression(expression); // 400 with the reason
  const targetArn = str(target['arn'] ?? b['stateMachineArn'], 'stateMachineArn');
  if (targetArn === undefined) throw bad('stateMachineArn (or target.arn) is required');
  machineOf(ctx, targetArn); // InvalidArn / StateMachineDoesNotExist (400) before anything is stored
  const input = inputText(target['input'] ?? b['input']);
  const enabledIn = b['enabled'] ?? (b['state'] !== undefined ? b['state'] !== 'DISABLED' : undefined);
  if (enabledIn !== undefined && typeof enabledIn !== 'boolean') throw bad('enabled must be a boolean');
  const overlapPolicy = oneOf(b['overlapPolicy'], 'overlapPolicy', OVERLAP, 'ALLOW');
  const missedPolicy = oneOf(b['missedFirePolicy'] ?? b['missedPolicy'], 'missedFirePolicy', MISSED, 'SKIP');
  const description = str(b['description'], 'description') ?? null;
  const now = ctx.clock.now();
  // A changed expression or time zone starts afresh: fire times of the old one are not owed.
  const fresh = !prev || prev.expression !== expression.trim() || prev.timezone !== timezone;
  return {
    name, expression: expression.trim(), timezone, targetArn, input, enabled: enabledIn === false ? 0 : 1, overlapPolicy, missedPolicy,
    description, anchorMs: fresh ? now : prev.anchorMs, cursorMs: fresh ? now : Math.max(prev.cursorMs, prev.enabled ? prev.cursorMs : now),
    lastFiredMs: prev?.lastFiredMs ?? null, lastExecutionArn: prev?.lastExecutionArn ?? null, pendingFireMs: prev?.pendingFireMs ?? null,
    createdMs: prev?.createdMs ?? now, updatedMs: now,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The REST view of a schedule, with its next fire time. */
export function scheduleView(ctx: ServiceContext, row: ScheduleRow) {
  let next: number | undefined;
  if (row.enabled) {
    const cal = fireCalendar(parseScheduleExpression(row.expression), row.timezone, row.anchorMs);
    next = cal.next(Math.max(row.cursorMs, ctx.clock.now()));
    cal.close();
  }
  return {
    name: row.name, expression: row.expression, timezone: row.timezone, stateMachineArn: row.targetArn,
    input: JSON.parse(row.input) as unknown, enabled: row.enabled === 1, overlapPolicy: row.overlapPolicy,
    missedFirePolicy: row.missedPolicy, ...(row.description !== null ? { description: row.description } : {}),
    lastFiredAt: iso(row.lastFiredMs), lastExecutionArn: row.lastExecutionArn, nextFireAt: iso(next ?? null),
    createdAt: iso(row.createdMs), updatedAt: iso(row.updatedMs),
  };
}

function mustGet(ctx: ServiceContext, name: string): ScheduleRow {
  const row = schedulesOf(ctx).get(name);
  if (!row) throw new ServiceError('ResourceNotFound', `Schedule ${name} does not exist.`, 404);
  return row;
}

/** Creates a schedule (409 when the name is taken). */
export function createSchedule(ctx: ServiceContext, body: unknown): ScheduleRow {
  const name = str((body as Record<string, unknown> | null)?.['name'], 'name');
  if (name === undefined) throw bad('name is required');
  const row = toRow(ctx, name, body, undefined);
  if (schedulesOf(ctx).get(name)) throw new ServiceError('ConflictException', `Schedule ${name} already exists.`, 409);
  schedulesOf(ctx).insert(row);
  return row;
}

/** Replaces a schedule's settings, keeping its fire bookkeeping. */
export function updateSchedule(ctx: ServiceContext, name: string, body: unknown): ScheduleRow {
  const prev = mustGet(ctx, name);
  const row = toRow(ctx, name, body, prev);
  schedulesOf(ctx).update(row);
  return row;
}

export function getSchedule(ctx: ServiceContext, name: string): ScheduleRow {
  return mustGet(ctx, name);
}

export function listSchedules(ctx: ServiceContext): ScheduleRow[] {
  return schedulesOf(ctx).list();
}

export function deleteSchedule(ctx: ServiceContext, name: string): void {
  mustGet(ctx, name);
  schedulesOf(ctx).delete(name);
}
