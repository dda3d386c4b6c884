/**
 * A seeded, pure PRNG that reproduces `java.util.Random` bit for bit. AWS evaluates `States.MathRandom(a, b, seed)`
 * and JSONata `$random(seed)` on the JVM, so seeded calls must match Java's 48-bit LCG. The 48-bit state is kept
 * as two 24-bit halves so every product stays below 2^53 (exact in a double, no BigInt on the hot path), and the
 * state is plain JSON so engine state survives a JSON round trip.
 */
import type { Json } from '../util/json.js';
import { isJsonObject } from '../util/json.js';

/** A stateful random source; `state()` is a JSON snapshot that `restorePrng` accepts. */
export interface Prng {
  /** Uniform double in [0, 1), as java.util.Random#nextDouble. */
  nextDouble(): number;
  /** Uniform integer in [0, bound), as java.util.Random#nextInt(int bound). `bound` must be in [1, 2^31). */
  nextInt(bound: number): number;
  /** JSON snapshot of the current state. */
  state(): Json;
}

const TWO24 = 0x1000000;
const MULT_HI = 0x5de; // 0x5DEECE66D split into 24-bit halves
const MULT_LO = 0xece66d;
const ADDEND = 0xb;

function mod(n: number, m: number): number {
  const r = n % m;
  return r < 0 ? r + m : r;
}

/** A PRNG seeded exactly as `new java.util.Random(seed)` (seed taken as a 64-bit long; lower 48 bits matter). */
export function createPrng(seed: number): Prng {
  const s = Math.trunc(seed);
  // Lower 48 bits of the two's complement long, as halves; then scramble with the multiplier (Java initialScramble).
  const lo = mod(s, TWO24);
  const hi = mod(Math.floor(s / TWO24), TWO24);
  return fromHalves(hi ^ MULT_HI, lo ^ MULT_LO);
}

/** Rebuilds a PRNG from `Prng.state()`. Throws on a malformed snapshot. */
export function restorePrng(state: Json): Prng {
  if (!isJsonObject(state) || typeof state.hi !== 'number' || typeof state.lo !== 'number') {
    throw new Error('restorePrng: malformed PRNG state');
  }
  return fromHalves(state.hi, state.lo);
}

function fromHalves(hi0: number, lo0: number): Prng {
  let hi = hi0;
  let lo = lo0;

  /** java.util.Random#next(bits): advance the LCG and return the top `bits` bits as a signed 32-bit int. */
  const next = (bits: number): number => {
    const p = lo * MULT_LO + ADDEND;
    const newLo = p % TWO24;
    const carry = Math.floor(p / TWO24);
    hi = (hi * MULT_LO + lo * MULT_HI + carry) % TWO24;
    lo = newLo;
    const value = Math.floor((hi * TWO24 + lo) / 2 ** (48 - bits));
    return value | 0;
  };

  return {
    nextDouble: () => (next(26) * 2 ** 27 + next(27)) * 2 ** -53,
    nextInt: (bound: number) => {
      if (!(bound > 0) || bound > 0x7fffffff) throw new RangeError('bound must be positive');
      if ((bound & -bound) === bound) {
        // Power of two: (int)((bound * (long)next(31)) >> 31)
        return Math.floor((bound * next(31)) / 2 ** 31);
      }
      for (;;) {
        const bits = next(31);
        const val = bits % bound;
        // Java rejects when bits - val + (bound - 1) overflows a signed int.
        if (bits - val + (bound - 1) <= 0x7fffffff) return val;
      }
    },
    state: () => ({ hi, lo }),
  };
}

/** Seed a PRNG from arbitrary engine entropy (e.g. the execution seed plus a counter). */
export function derivePrng(seed: number, salt: number): Prng {
  return createPrng(mod(Math.trunc(seed) * 31 + Math.trunc(salt), 2 ** 48));
}
