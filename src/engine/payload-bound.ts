/**
 * A cheap upper bound of a value's UTF-8 JSON size, so that an Express execution (no history, see
 * StepContext.quiet) can prove a state's output is under the 256 KiB quota without serialising it. Walks the
 * value once, allocates nothing, and stops as soon as the bound passes `limit`; the caller then measures the
 * exact text, so the DataLimitExceeded check stays exactly what it is for a Standard execution.
 */
import type { Json } from '../util/json.js';

/**
 * The longest text JSON.stringify gives a finite number: `-2.2250738585072014e-308` is 24 characters (an
 * integer prints in at most 22: sign and 21 digits; beyond that it switches to exponent form).
 */
const MAX_NUMBER_TEXT = 24;

/**
 * True when `value` certainly serialises to at most `limit` bytes of UTF-8. False means "maybe not": measure.
 * A string counts 6 bytes per UTF-16 unit (an escape `\u001f` is 6 ASCII bytes; any other unit is at most 3
 * bytes of UTF-8, a surrogate pair 4 for two units); members whose value is undefined are counted anyway.
 */
export function surelyWithin(value: Json, limit: number): boolean {
  try {
    return bound(value, limit) <= limit;
  } catch {
    return false; // nested deeper than this recursion goes: let JSON.stringify measure it
  }
}

/** Upper bound of the size, or some number above `budget` once it is certainly exceeded. */
function bound(v: Json, budget: number): number {
  switch (typeof v) {
    case 'string': return 2 + 6 * v.length;
    case 'number': return MAX_NUMBER_TEXT;
    case 'boolean': return 5;
    default: break;
  }
  if (v === null) return 4;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      n += bound(v[i]!, budget - n) + 1;
      if (n > budget) return n;
    }
    return n;
  }
  for (const k in v) {
    n += 6 * k.length + 4 + bound(v[k]!, budget - n);
    if (n > budget) return n;
  }
  return n;
}
