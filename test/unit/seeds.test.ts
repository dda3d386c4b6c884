/** Execution seeds (src/service/seeds.ts): 31-bit integers from a pooled crypto source, across pool refills. */
import { describe, expect, it } from 'vitest';
import { nextSeed } from '../../src/service/seeds.js';

describe('execution seeds', () => {
  it('are integers in [0, 2^31), spread over the range and fresh after the pool refills', () => {
    const seeds = Array.from({ length: 5000 }, nextSeed);
    for (const s of seeds) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(2 ** 31);
    }
    expect(new Set(seeds).size).toBeGreaterThan(4990);
    expect(Math.max(...seeds)).toBeGreaterThan(2 ** 30);
    expect(seeds.filter((s) => s >= 2 ** 30).length).toBeGreaterThan(2000);
    // The pool refills every 1,024 draws: the second pool is not the first again.
    expect(seeds.slice(1024, 2048)).not.toEqual(seeds.slice(0, 1024));
  });
});
