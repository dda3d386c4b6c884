/**
 * The AWS JSON wire rendering shared by the AWS API and the WebSocket stream: internally every timestamp is
 * epoch milliseconds; on the wire AWS sends epoch seconds (fractional allowed) under its timestamp member
 * names, and null/undefined members are omitted.
 */
const DATE_KEYS = new Set(['creationDate', 'updateDate', 'startDate', 'stopDate', 'redriveDate', 'timestamp']);

/** Copies `value`, rendering epoch-ms numbers under AWS timestamp member names with `render`; drops undefined. */
export function mapTimestamps(value: unknown, render: (ms: number) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapTimestamps(v, render));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = DATE_KEYS.has(k) && typeof v === 'number' ? render(v) : mapTimestamps(v, render);
  }
  return out;
}

const toSeconds = (ms: number): number => ms / 1000;

/** The AWS JSON rendering: timestamps as epoch seconds. */
export function toWire(value: unknown): unknown {
  return mapTimestamps(value, toSeconds);
}
