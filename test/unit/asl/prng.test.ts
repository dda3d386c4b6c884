import { describe, expect, it } from 'vitest';
import { createPrng, restorePrng } from '../../../src/asl/prng.js';

describe('prng (java.util.Random)', () => {
  it('matches known Java outputs', () => {
    expect(createPrng(42).nextInt(10)).toBe(0);
    expect(createPrng(42).nextDouble()).toBe(0.7275636800328681);
    expect(createPrng(0).nextInt(100)).toBe(60);
  });

  it('matches a Java sequence for a negative seed (checked against `java R.java`)', () => {
    const r = createPrng(-5);
    expect([r.nextInt(7), r.nextInt(1000), r.nextDouble(), r.nextInt(16)]).toEqual([5, 721, 0.33409239863837237, 6]);
  });

  it('keeps state as JSON and resumes the same sequence after a round trip', () => {
    const a = createPrng(123);
    a.nextDouble();
    const copy = restorePrng(JSON.parse(JSON.stringify(a.state())));
    expect([copy.nextInt(1000), copy.nextDouble()]).toEqual([a.nextInt(1000), a.nextDouble()]);
  });

  it('stays within bounds for powers of two and other bounds', () => {
    const r = createPrng(7);
    for (let i = 0; i < 1000; i++) {
      const x = r.nextInt(16);
      const y = r.nextInt(1_000_000_007 % 2 ** 31);
      const d = r.nextDouble();
      expect(x >= 0 && x < 16 && y >= 0 && d >= 0 && d < 1).toBe(true);
    }
  });

  it('rejects a bad bound and a malformed state', () => {
    expect(() => createPrng(1).nextInt(0)).toThrow(RangeError);
    expect(() => restorePrng({ nope: 1 })).toThrow();
  });
});
