/**
 * Execution seeds: the seed of the PRNG an execution keeps in its state (States.MathRandom, States.UUID, retry
 * jitter; engine/contract.ts), 31 random bits each. They come from a pool refilled by one randomFillSync per 1,024
 * starts: crypto.randomInt on every start cost 1–3 µs of a short Express execution while V8 was still warming up
 * its argument checks and 48-bit buffer reads (docs/performance.md, fifth pass).
 */
import { randomFillSync } from 'node:crypto';

const pool = new Uint32Array(1024);
let next = pool.length;

/** A uniformly random integer in [0, 2^31), as `randomInt(0, 2 ** 31)` gives. */
export function nextSeed(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! >>> 1;
}
