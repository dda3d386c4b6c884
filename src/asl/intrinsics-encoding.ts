/**
 * Text helpers for intrinsic functions: Base64 without node:Buffer (asl/ is pure), Java-style value rendering for
 * States.Format (AWS runs on the JVM: an object argument prints as `{Arg1=1, Arg2=[]}`, as the recorded
 * `States.Format('... {}', $$.StateMachine)` shows), deep JSON equality, and a v4 UUID from the seeded PRNG.
 */
import type { Json } from '../util/json.js';
import { isJsonObject } from '../util/json.js';
import type { Prng } from './prng.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const REVERSE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/** Standard Base64 (with padding) of the UTF-8 bytes of `text`. */
export function base64Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += ALPHABET[b0 >> 2]!;
    out += ALPHABET[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]!;
    out += b1 === undefined ? '=' : ALPHABET[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!;
    out += b2 === undefined ? '=' : ALPHABET[b2 & 63]!;
  }
  return out;
}

/** Decodes standard Base64 to a UTF-8 string; undefined when the text is not valid Base64. */
export function base64Decode(text: string): string | undefined {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1 || text.length - clean.length > 2) return undefined;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const c of clean) {
    const v = REVERSE.get(c);
    if (v === undefined) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** A JSON value as Java's `toString` renders it (States.Format placeholders). */
export function javaToString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(javaToString).join(', ')}]`;
  return `{${Object.keys(v).map((k) => `${k}=${javaToString(v[k]!)}`).join(', ')}}`;
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]!));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEquals(a[k]!, b[k]!));
  }
  return false;
}

/** An RFC 4122 version-4 UUID drawn from the PRNG (deterministic for the engine's replay). */
export function uuidV4(rng: Prng): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(rng.nextInt(256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Java's Math.round (half up toward +infinity), without producing -0. */
export function javaRound(n: number): number {
  return Math.floor(n + 0.5) + 0;
}
