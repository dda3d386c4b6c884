/** surelyWithin (payload-bound.ts) must never claim a value fits when its UTF-8 JSON text does not. */
import { describe, expect, it } from 'vitest';
import { surelyWithin } from '../../../src/engine/payload-bound.js';
import { utf8Length, type Json } from '../../../src/util/json.js';

const SAMPLES: Json[] = [
  null, true, false, 0, -0, 1e21, -2.2250738585072014e-308, -1.7976931348623157e308, 123456789012345680000,
  '', 'plain', '\u0000\u001f"\\', 'é€😀', '\ud800', 'x'.repeat(1000),
  [], [null, [1, [2, []]]], {}, { '': '' }, { 'k"\u0001': { é: ['😀', -1.5e-7] } },
  { a: Array.from({ length: 50 }, (_, i) => ({ i, s: String(i).repeat(i) })) },
];

describe('surelyWithin', () => {
  it('never answers true below the exact UTF-8 size of the JSON text', () => {
    for (const v of SAMPLES) {
      const exact = utf8Length(JSON.stringify(v));
      expect(surelyWithin(v, exact - 1), JSON.stringify(v).slice(0, 60)).toBe(false);
    }
  });

  it('answers true for small values well under the limit', () => {
    expect(surelyWithin({ count: 9999, last: { b: 1, s: 2 } }, 262_144)).toBe(true);
  });

  it('stops early on a huge value (an answer without walking it all)', () => {
    const huge = Array.from({ length: 200_000 }, () => ({ k: 1 }));
    expect(surelyWithin(huge, 262_144)).toBe(false);
  });
});
