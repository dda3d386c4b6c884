/**
 * Pure timestamp helpers. `asl/` and `engine/` may not touch `Date` (they must never read the clock), so the
 * calendar arithmetic they need lives here: parse an RFC 3339 timestamp, format epoch milliseconds as ISO.
 */

// AWS accepts RFC 3339 date-times with an explicit offset ("Z" or ±hh:mm) and the "T" separator; it rejects
// "2016-12-05 21:29:29Z", a missing zone, month 13 or hour 25 ("String does not match RFC3339 timestamp").
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch milliseconds of an RFC 3339 timestamp, or undefined when the text is not one. */
export function parseTimestamp(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  let offsetMinutes = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), fraction) - offsetMinutes * 60_000;
}

/** True when the text is an RFC 3339 timestamp AWS accepts. */
export function isTimestamp(text: string): boolean {
  return parseTimestamp(text) !== undefined;
}

/** ISO-8601 with milliseconds and "Z", as AWS shows `$$.Execution.StartTime` and `$$.State.EnteredTime`. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
