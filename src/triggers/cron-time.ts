/**
 * Wall-clock arithmetic in an IANA time zone with Intl only: the local calendar fields of an instant, and the
 * instant of a local date-time (DST gaps resolve forwards, overlaps to the earlier instant, as cron daemons do).
 */
export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is a time zone Intl knows. */
export function validTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar fields of epoch-ms `ms` in `tz`. */
export function localTime(ms: number, tz: string): LocalTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']! % 24, minute: parts['minute']!, second: parts['second']! };
}

function asUtc(t: LocalTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
}

/** The zone's offset from UTC at instant `ms`, in ms. */
function offsetAt(ms: number, tz: string): number {
  const l = localTime(ms, tz);
  return asUtc(l) + l.second * 1000 - Math.floor(ms / 1000) * 1000;
}

/** The instant whose local time in `tz` is `t` (the earlier one in a DST overlap, shifted forward in a gap). */
export function instantOf(t: LocalTime, tz: string): number {
  const guess = asUtc(t);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  // Two candidates around a transition: prefer the earlier one that reads back to `t`.
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const c of candidates) {
    const l = localTime(c, tz);
    if (l.year === t.year && l.month === t.month && l.day === t.day && l.hour === t.hour && l.minute === t.minute) return c;
  }
  return Math.max(first, second);
}

/** The local date `days` after (y, m, d) — plain proleptic Gregorian arithmetic. */
export function addDays(t: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
