/**
 * The AWS JSON wire rendering shared by the AWS API and the WebSocket stream: internally every timestamp is
 * epoch milliseconds; on the wire AWS sends epoch seconds (fractional allowed) under its timestamp member
 * names, and null/undefined members are omitted.
 */
const DATE_KEYS = new Set(['creationDate', 'updateDate', 'startDate', 'stopDate', 'redriveDate', 'timestamp']);

/** Epoch-ms numbers under AWS timestamp member names become epoch seconds; undefined members are dropped. */
export function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = DATE_KEYS.has(k) && typeof v === 'number' ? v / 1000 : toWire(v);
  }
  return out;
}
