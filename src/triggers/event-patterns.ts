/**
 * EventBridge event patterns: a pattern mirrors the event's shape; every leaf is an array of alternatives (OR),
 * every field named must match (AND), `$or` combines sub-patterns. Alternatives are literals (exact match, type
 * included: "5" is not 5) or one-key filters: `prefix`, `suffix`, `equals-ignore-case`, `wildcard`,
 * `anything-but` (value, list, or {prefix|suffix|equals-ignore-case}), `numeric` (up to two comparisons) and
 * `exists`. As in EventBridge, a field absent from the event matches only `{"exists": false}`, and an array in
 * the event matches when any of its elements does.
 */
import { ServiceError } from '../service/errors.js';

type Filter = Record<string, unknown>;
const NUMERIC_OPS = ['=', '<', '<=', '>', '>='];

function bad(reason: string): ServiceError {
  return new ServiceError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`, 400);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function checkStringOrIgnoreCase(op: string, v: unknown): void {
  if (typeof v === 'string') return;
  if (isObject(v) && Object.keys(v).length === 1 && typeof v['equals-ignore-case'] === 'string') return;
  throw bad(`${op} match pattern must be a string`);
}

function checkFilter(f: Filter): void {
  const keys = Object.keys(f);
  if (keys.length !== 1) throw bad(`a filter object must have exactly one key, got ${JSON.stringify(keys)}`);
  const op = keys[0]!;
  const v = f[op];
  switch (op) {
    case 'prefix': case 'suffix': return checkStringOrIgnoreCase(op, v);
    case 'equals-ignore-case': case 'wildcard': case 'cidr':
      if (typeof v !== 'string') throw bad(`${op} match pattern must be a string`);
      return;
    case 'exists':
      if (typeof v !== 'boolean') throw bad('exists match pattern must be either true or false');
      return;
    case 'anything-but':
      if (isScalar(v) || (Array.isArray(v) && v.every(isScalar))) return;
      if (isObject(v) && Object.keys(v).length === 1 && ['prefix', 'suffix', 'equals-ignore-case'].includes(Object.keys(v)[0]!)) {
        const [inner, val] = Object.entries(v)[0]!;
        if (typeof val === 'string' || (inner === 'equals-ignore-case' && Array.isArray(val) && val.every((x) => typeof x === 'string'))) return;
      }
      throw bad('anything-but takes a value, a list of values, or {prefix|suffix|equals-ignore-case}');
    case 'numeric': {
      if (!Array.isArray(v) || (v.length !== 2 && v.length !== 4)) throw bad('numeric takes [op, number] or [op, number, op, number]');
      for (let i = 0; i < v.length; i += 2) {
        if (!NUMERIC_OPS.includes(v[i] as string)) throw bad(`Unrecognized numeric range operator: ${JSON.stringify(v[i])}`);
        if (typeof v[i + 1] !== 'number') throw bad('Value of numeric comparison must be a number');
      }
      return;
    }
    default: throw bad(`Unrecognized match type ${op}`);
  }
}

/** Throws InvalidEventPatternException (400) with the reason when `pattern` is not a valid event pattern. */
export function validatePattern(pattern: unknown, at = ''): void {
  if (!isObject(pattern)) throw bad(at === '' ? 'the pattern must be a JSON object' : `${at} must be an object or an array`);
  if (Object.keys(pattern).length === 0 && at === '') throw bad('the pattern must not be empty');
  for (const [k, v] of Object.entries(pattern)) {
    const where = at === '' ? k : `${at}.${k}`;
    if (k === '$or') {
      if (!Array.isArray(v) || v.length < 2) throw bad('$or takes an array of at least two patterns');
      v.forEach((p, i) => validatePattern(p, `${where}[${i}]`));
    } else if (Array.isArray(v)) {
      if (v.length === 0) throw bad(`Empty arrays are not allowed (${where})`);
      for (const alt of v) {
        if (isScalar(alt)) continue;
        if (!isObject(alt)) throw bad(`Match value must be String, number, true, false, or null (${where})`);
        checkFilter(alt);
      }
    } else if (isObject(v)) validatePattern(v, where);
    else throw bad(`${where}: match values must be arrays (e.g. ${JSON.stringify({ [k]: [v] })})`);
  }
}

/**
 * EventBridge `wildcard`: `*` matches any run of characters, `\*` a literal star. Matched greedily left to right
 * without a regular expression — a regex like `^a.*a.*a.*b$` backtracks exponentially on hostile input, and this
 * runs on the commit path.
 */
function wildcard(pattern: string, s: string): boolean {
  const parts = pattern.split(/(?<!\\)\*/).map((part) => part.replace(/\\\*/g, '*'));
  const first = parts[0]!;
  if (parts.length === 1) return s === first;
  const last = parts[parts.length - 1]!;
  if (s.length < first.length + last.length || !s.startsWith(first) || !s.endsWith(last)) return false;
  let pos = first.length;
  const end = s.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    const i = s.indexOf(mid, pos);
    if (i < 0 || i + mid.length > end) return false;
    pos = i + mid.length;
  }
  return true;
}

function affix(op: 'prefix' | 'suffix', spec: unknown, s: string): boolean {
  const [needle, hay] = typeof spec === 'string' ? [spec, s] : [String((spec as Filter)['equals-ignore-case']).toLowerCase(), s.toLowerCase()];
  return op === 'prefix' ? hay.startsWith(needle) : hay.endsWith(needle);
}

function cidr(block: string, ip: string): boolean {
  const [net, bitsText] = block.split('/');
  const bits = Number(bitsText);
  const ipv4 = /^\d+\.\d+\.\d+\.\d+$/;
  if (!net || !ipv4.test(net) || !ipv4.test(ip) || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  return Math.floor(toInt(net) / size) === Math.floor(toInt(ip) / size);
}

function numeric(spec: unknown[], n: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const b = spec[i + 1] as number;
    const ok = { '=': n === b, '<': n < b, '<=': n <= b, '>': n > b, '>=': n >= b }[spec[i] as string];
    if (!ok) return false;
  }
  return true;
}

/** One alternative against one (present, scalar) event value. */
function matchOne(alt: unknown, v: unknown): boolean {
  if (!isObject(alt)) return alt === v;
  const [op, spec] = Object.entries(alt)[0]!;
  switch (op) {
    case 'prefix': case 'suffix': return typeof v === 'string' && affix(op, spec, v);
    case 'equals-ignore-case': return typeof v === 'string' && v.toLowerCase() === String(spec).toLowerCase();
    case 'wildcard': return typeof v === 'string' && wildcard(String(spec), v);
    case 'cidr': return typeof v === 'string' && cidr(String(spec), v);
    case 'numeric': return typeof v === 'number' && numeric(spec as unknown[], v);
    case 'exists': return spec === true;
    case 'anything-but': {
      if (isObject(spec)) {
        const [inner, val] = Object.entries(spec)[0]!;
        if (typeof v !== 'string') return true;
        if (inner === 'equals-ignore-case') return !(Array.isArray(val) ? val : [val]).some((x) => String(x).toLowerCase() === v.toLowerCase());
        return !affix(inner as 'prefix' | 'suffix', val, v);
      }
      return !(Array.isArray(spec) ? spec : [spec]).some((x) => x === v);
    }
    default: return false;
  }
}

function matchLeaf(alts: unknown[], present: boolean, value: unknown): boolean {
  if (!present) return alts.some((a) => isObject(a) && a['exists'] === false);
  const values = Array.isArray(value) ? value : [value];
  return alts.some((a) => (isObject(a) && a['exists'] === false ? false : values.some((v) => matchOne(a, v))));
}

/** True when `event` matches a (valid) pattern. */
export function matchPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  const obj = isObject(event) ? event : {};
  for (const [k, p] of Object.entries(pattern)) {
    if (k === '$or') {
      if (!(p as Record<string, unknown>[]).some((sub) => matchPattern(sub, event))) return false;
      continue;
    }
    const present = Object.hasOwn(obj, k);
    const value = obj[k];
    if (Array.isArray(p)) {
      if (!matchLeaf(p, present, value)) return false;
    } else {
      // A nested pattern: the event field must be an object (or an array of objects, any of which may match).
      const nested = p as Record<string, unknown>;
      const candidates = Array.isArray(value) ? value : [value];
      if (!present ? !matchPattern(nested, {}) : !candidates.some((c) => isObject(c) && matchPattern(nested, c))) return false;
    }
  }
  return true;
}
