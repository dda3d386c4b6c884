/**
 * Schedule expressions, as EventBridge writes them — `cron(min hour day-of-month month day-of-week year)` and
 * `rate(5 minutes)` — plus the standard 5-field cron. Matching is node-cron's: an expression is translated to a
 * node-cron pattern (seconds pinned to 0) and every candidate instant is confirmed with node-cron's own
 * `task.match`. node-cron's ticking reads the real `Date` and `setTimeout`, so this module only answers "when is
 * the next fire after t?" and the scheduler arms the injected clock for it.
 *
 * AWS quirks reproduced: day-of-week numbers are 1-7 with 1 = SUN (node-cron: 0-6, 0 = SUN); exactly one of
 * day-of-month / day-of-week is `?`; the year field (1970-2199) is matched here since node-cron has none; a rate
 * value of 1 takes the singular unit, others the plural. Standard 5-field cron goes to node-cron unchanged, which
 * ANDs day-of-month with day-of-week (Vixie cron ORs them when both are restricted).
 */
import { createTask, parse, validateDetailed, type ScheduledTask } from 'node-cron';
import { ServiceError } from '../service/errors.js';
import { addDays, instantOf, localTime } from './cron-time.js';

export type ScheduleSpec =
  | { kind: 'cron'; pattern: string; years: Set<number> | undefined }
  | { kind: 'rate'; periodMs: number };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function invalid(expression: string, why: string): ServiceError {
  return new ServiceError('ValidationException', `Invalid schedule expression '${expression}': ${why}`, 400);
}

/** AWS weekday number (1 = SUN) to node-cron's (0 = SUN); names pass through. */
function weekday(token: string): string {
  return /^\d+$/.test(token) ? String(Number(token) - 1) : token;
}

function awsDayOfWeek(field: string): string {
  if (field === '?' || field === '*') return '*';
  return field.split(',').map((item) => {
    if (item === 'L') return '6'; // last day of the week: Saturday
    const nth = /^(\w+)#(\d)$/.exec(item);
    if (nth) return `${weekday(nth[1]!)}#${nth[2]}`;
    const last = /^(\w+)L$/.exec(item);
    if (last) return `${weekday(last[1]!)}L`;
    const range = /^(\w+|\*)(?:-(\w+))?(?:\/(\d+))?$/.exec(item);
    if (!range) return item;
    const from = range[1] === '*' ? '*' : weekday(range[1]!);
    return `${from}${range[2] !== undefined ? `-${weekday(range[2])}` : ''}${range[3] !== undefined ? `/${range[3]}` : ''}`;
  }).join(',');
}

function yearSet(expression: string, field: string): Set<number> | undefined {
  if (field === '*' || field === '?') return undefined;
  const years = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\d{4}|\*)(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!m) throw invalid(expression, `year field '${field}' is not valid`);
    const from = m[1] === '*' ? 1970 : Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined || m[1] === '*' ? 2199 : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < 1970 || to > 2199 || from > to || step < 1) throw invalid(expression, `year field '${field}' must lie in 1970-2199`);
    for (let y = from; y <= to; y += step) years.add(y);
  }
  return years;
}

function checkPattern(expression: string, pattern: string): void {
  const v = validateDetailed(pattern);
  if (!v.valid) throw invalid(expression, v.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
}

/** Parses and validates an expression; throws a 400 ValidationException that says what is wrong. */
export function parseScheduleExpression(expression: string): ScheduleSpec {
  const text = expression.trim();
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) {
    const m = /^\s*(\d+)\s+([a-z]+?)(s?)\s*$/.exec(rate[1]!);
    if (!m || UNITS[m[2]!] === undefined) throw invalid(expression, 'expected rate(<value> minute|minutes|hour|hours|day|days)');
    const value = Number(m[1]);
    if (value < 1) throw invalid(expression, 'the rate value must be a positive integer');
    if ((value === 1) !== (m[3] === '')) throw invalid(expression, `a value of 1 takes the singular unit, other values the plural (e.g. rate(1 ${m[2]}), rate(5 ${m[2]}s))`);
    return { kind: 'rate', periodMs: value * UNITS[m[2]!]! };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) {
    const f = cron[1]!.trim().split(/\s+/);
    if (f.length !== 6) throw invalid(expression, `cron(...) takes 6 fields (minutes hours day-of-month month day-of-week year), got ${f.length}`);
    const [min, hour, dom, month, dow, year] = f as [string, string, string, string, string, string];
    if ((dom === '?') === (dow === '?')) throw invalid(expression, "exactly one of day-of-month and day-of-week must be '?'");
    if ([min, hour, month, year].includes('?')) throw invalid(expression, "'?' is only allowed in day-of-month or day-of-week");
    if (/(^|[^\w])[08](?![\d#])/.test(dow.replace(/#\d/g, ''))) throw invalid(expression, `day-of-week '${dow}' must use 1-7 (1 = SUN) or SUN-SAT`);
    const pattern = `0 ${min} ${hour} ${dom === '?' ? '*' : dom} ${month} ${awsDayOfWeek(dow)}`;
    checkPattern(expression, pattern);
    return { kind: 'cron', pattern, years: yearSet(expression, year) };
  }
  const fields = text.split(/\s+/);
  if (fields.length === 5 && !text.includes('(')) {
    const pattern = `0 ${text}`;
    checkPattern(expression, pattern);
    return { kind: 'cron', pattern, years: undefined };
  }
  throw invalid(expression, 'expected cron(min hour day-of-month month day-of-week year), rate(value unit) or a 5-field cron expression');
}

export interface FireCalendar {
  /** The first fire strictly after `afterMs`, or undefined when there is none (a past year list). */
  next(afterMs: number): number | undefined;
  close(): void;
}

// A daily schedule restricted to rare days (29 Feb on a Monday) still fires within 28 years; look that far.
const HORIZON_DAYS = 366 * 28;

/** The fire times of a spec in time zone `tz`; rate schedules count whole periods from `anchorMs`. */
export function fireCalendar(spec: ScheduleSpec, tz: string, anchorMs: number): FireCalendar {
  if (spec.kind === 'rate') {
    return {
      next: (after) => anchorMs + Math.max(1, Math.floor((after - anchorMs) / spec.periodMs) + 1) * spec.periodMs,
      close: () => {},
    };
  }
  const fields = parse(spec.pattern);
  const [, , , dom, month, dow] = spec.pattern.split(' ');
  const hours = [...fields.hour].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const months = new Set(fields.month);
  const noop = () => {};
  const task: ScheduledTask = createTask(spec.pattern, noop, { timezone: tz });
  // Day-level probe: same day fields, any time of day, so whole days are skipped with one match.
  const day: ScheduledTask = createTask(`* * * ${dom} ${month} ${dow}`, noop, { timezone: tz });
  const maxYear = spec.years ? Math.max(...spec.years) : Infinity;
  return {
    next(after) {
      const start = localTime(after, tz);
      for (let i = 0; i < HORIZON_DAYS; i++) {
        const date = addDays(start, i);
        if (date.year > maxYear) return undefined;
        if (spec.years && !spec.years.has(date.year)) continue;
        if (!months.has(date.month)) continue;
        if (!day.match(new Date(instantOf({ ...date, hour: 12, minute: 0 }, tz)))) continue;
        for (const hour of hours) {
          if (i === 0 && hour < start.hour) continue;
          for (const minute of minutes) {
            if (i === 0 && hour === start.hour && minute < start.minute) continue;
            const at = instantOf({ ...date, hour, minute }, tz);
            if (at > after && task.match(new Date(at))) return at;
          }
        }
      }
      return undefined;
    },
    close() {
      void task.destroy();
      void day.destroy();
    },
  };
}
