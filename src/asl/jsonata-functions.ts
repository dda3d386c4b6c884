/**
 * The functions AWS adds to JSONata (AWS docs "JSONata functions provided by Step Functions"): `$partition`,
 * `$range`, `$hash`, `$random(seed?)`, `$uuid`, `$parse`; `$eval` is disabled. They are passed as evaluation
 * bindings, which shadow jsonata's built-ins (so `$random` draws from the engine's PRNG, never Math.random).
 */
import type { Json } from '../util/json.js';
import { uuidV4 } from './intrinsics-encoding.js';
import { HASH_ALGORITHMS } from './intrinsics.js';
import type { HashFn } from './paths.js';
import { createPrng } from './prng.js';
import type { Prng } from './prng.js';

// AWS limits mirror the intrinsic equivalents: ranges up to 1,000 items.
const MAX_RANGE_ITEMS = 1000;

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** The binding map: name (without `$`) → implementation. */
export function jsonataFunctions(rng: Prng, hash: HashFn | undefined): Record<string, (...args: never[]) => unknown> {
  return {
    partition: (array: unknown, size: unknown) => {
      if (!Array.isArray(array)) throw new Error('The $partition function requires an array as its first argument');
      if (!isInt(size) || size <= 0) throw new Error('The $partition function requires a positive integer chunk size');
      const out: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
      return out;
    },
    // Inclusive of `end` when the step lands on it: $range(0, 10, 2) → [0, 2, 4, 6, 8, 10] (AWS docs).
    range: (start: unknown, end: unknown, step: unknown) => {
      if (!isInt(start) || !isInt(end) || !isInt(step)) throw new Error('The $range function requires integer arguments');
      if (step === 0) throw new Error('The $range function requires a non-zero step');
      const count = Math.max(0, Math.floor((end - start) / step) + 1);
      if (count > MAX_RANGE_ITEMS) throw new Error(`The $range function cannot produce more than ${MAX_RANGE_ITEMS} items`);
      const out: number[] = [];
      for (let k = 0; k < count; k++) out.push(start + k * step);
      return out;
    },
    hash: (data: unknown, algorithm: unknown) => {
      if (typeof algorithm !== 'string' || !(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
        throw new Error(`The $hash function requires an algorithm among ${HASH_ALGORITHMS.join(', ')}`);
      }
      if (!hash) throw new Error('The $hash function is not available');
      return hash(algorithm, typeof data === 'string' ? data : JSON.stringify(data));
    },
    random: (seed?: unknown) => {
      if (seed === undefined) return rng.nextDouble();
      if (!isInt(seed)) throw new Error('The $random function requires an integer seed');
      return createPrng(seed).nextDouble();
    },
    uuid: () => uuidV4(rng),
    parse: (text: unknown) => {
      if (typeof text !== 'string') throw new Error('The $parse function requires a string argument');
      try {
        return JSON.parse(text) as Json;
      } catch {
        throw new Error(`The $parse function could not parse the string as JSON: ${text}`);
      }
    },
    eval: () => {
      throw new Error('The $eval function is not supported; use $parse instead');
    },
  };
}
