/**
 * JSONPath evaluation with AWS (Jayway JsonPath) semantics.
 *
 * Definite paths (`$`, `$.a.b`, `$.a[0]`, `$['x y']`, `$.a[-1]`) are compiled once into a list of steps and
 * resolved by a plain loop: this is the hot path of every state. Indefinite paths (wildcards, filters, slices,
 * unions, recursive descent) go through jsonpath-plus and always yield an array of matches, as Jayway does.
 * Failure reasons reproduce Jayway's PathNotFoundException texts that AWS puts in its causes:
 * a missing leaf → "No results for path: $['a']['b']", a missing intermediate → "Missing property in path $['a']".
 */
import { JSONPath } from 'jsonpath-plus';
import type { Json } from '../util/json.js';
import { isJsonObject, ownGet } from '../util/json.js';

type Step = string | number;
type Compiled =
  | { kind: 'definite'; steps: Step[] }
  | { kind: 'query' }
  | { kind: 'invalid' }
  /** A Jayway path function at the end (`$.items.length()`): applied to what `base` selects. */
  | { kind: 'function'; base: string; fn: string };

const PATH_FUNCTION = /^(.*)\.(length|size|min|max|avg|sum|stddev|keys|first|last)\(\)$/s;

/** Outcome of a lookup: the value, or Jayway's reason text for why nothing matched. */
export type PathLookup = { ok: true; value: Json } | { ok: false; reason: string };

const compiled = new Map<string, Compiled>();

function compile(path: string): Compiled {
  const hit = compiled.get(path);
  if (hit) return hit;
  const fn = PATH_FUNCTION.exec(path);
  const c: Compiled = fn ? { kind: 'function', base: fn[1]!, fn: fn[2]! } : parseSteps(path);
  if (compiled.size > 50_000) compiled.clear();
  compiled.set(path, c);
  return c;
}

function parseSteps(path: string): Compiled {
  if (path[0] !== '$') return { kind: 'invalid' };
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') return { kind: 'query' };
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const name = path.slice(i + 1, j);
      if (name === '') return { kind: 'invalid' };
      if (name === '*') return { kind: 'query' };
      steps.push(name);
      i = j;
    } else if (c === '[') {
      let k = i + 1;
      while (path[k] === ' ') k++;
      const q = path[k];
      if (q === "'" || q === '"') {
        // Jayway 2.4 (what AWS runs; AWS-recorded: `$['Test\""Name"']` selects the key `Test\""Name"`): a
        // backslash keeps the next character from closing the name but is NOT removed; the other quote kind
        // is an ordinary character. Nothing is unescaped.
        let j = k + 1;
        let escaped = false;
        while (j < path.length) {
          const ch = path[j];
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === q) break;
          j++;
        }
        if (j >= path.length) return { kind: 'invalid' };
        const name = path.slice(k + 1, j);
        let m = j + 1;
        while (path[m] === ' ') m++;
        // `['a','b']` is a union (a query); anything else after the name is not a path (Jayway: "Property must
        // be separated by comma or Property must be terminated close square bracket").
        if (path[m] !== ']') return path[m] === ',' ? { kind: 'query' } : { kind: 'invalid' };
        steps.push(name);
        i = m + 1;
      } else {
        const close = path.indexOf(']', i);
        if (close < 0) return { kind: 'invalid' };
        const inner = path.slice(i + 1, close).trim();
        if (!/^-?\d+$/.test(inner)) return { kind: 'query' };
        steps.push(Number(inner));
        i = close + 1;
      }
    } else {
      return { kind: 'invalid' };
    }
  }
  return { kind: 'definite', steps };
}

/** Jayway's normalized form of the first `n` steps: `$['a'][0]`. */
function normalized(steps: Step[], n: number): string {
  let s = '$';
  for (let k = 0; k < n; k++) {
    const st = steps[k]!;
    s += typeof st === 'number' ? `[${st}]` : `['${st}']`;
  }
  return s;
}

function lookupSteps(steps: Step[], data: Json): PathLookup {
  let cur: Json = data;
  for (let k = 0; k < steps.length; k++) {
    const st = steps[k]!;
    const leaf = k === steps.length - 1;
    let next: Json | undefined;
    if (typeof st === 'number') {
      if (Array.isArray(cur)) next = cur[st < 0 ? cur.length + st : st];
    } else if (isJsonObject(cur)) {
      next = ownGet(cur, st);
      if (next === undefined && !leaf) return { ok: false, reason: `Missing property in path ${normalized(steps, k + 1)}` };
    }
    if (next === undefined) return { ok: false, reason: `No results for path: ${normalized(steps, steps.length)}` };
    cur = next;
  }
  return { ok: true, value: cur };
}

// Filter expressions run in jsonpath-plus's AST interpreter ('safe', never native eval) and only after this
// whitelist: `@`-relative paths, literals, comparison and logical operators. No calls, no other identifiers.
const FILTER_TOKENS =
  /^(?:\s+|@(?:\.[A-Za-z_$][\w$]*|\[(?:'[^']*'|"[^"]*"|\d+)\])*|'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false|null|===?|!==?|<=?|>=?|&&|\|\||!|\(|\))/;

function safeFilters(path: string): boolean {
  const filters = path.match(/\[\?\(([\s\S]*?)\)\]/g) ?? [];
  for (const f of filters) {
    let rest = f.slice(3, -2);
    let prev = '';
    while (rest.length > 0) {
      const m = FILTER_TOKENS.exec(rest);
      if (!m || m[0].length === 0) return false;
      const tok = m[0];
      // A '(' right after an operand would be a call: refuse it.
      if (tok === '(' && prev !== '' && !/^(?:&&|\|\||!|\()$/.test(prev)) return false;
      if (tok.trim() !== '') prev = tok;
      rest = rest.slice(tok.length);
    }
  }
  return !/\[\(/.test(path); // dynamic `[(expr)]` members are never allowed
}

/** All matches of a JSONPath query (empty when none). Definite paths give at most one match. */
export function queryJsonPath(path: string, data: Json): Json[] {
  const c = compile(path);
  if (c.kind === 'definite') {
    const r = lookupSteps(c.steps, data);
    return r.ok ? [r.value] : [];
  }
  if (c.kind === 'invalid') throw new Error(`Invalid JSONPath: ${path}`);
  if (c.kind === 'function') {
    const r = lookupJsonPath(path, data);
    return r.ok ? [r.value] : [];
  }
  const hasFilter = path.includes('[?(');
  if (hasFilter && !safeFilters(path)) throw new Error(`Unsupported JSONPath filter: ${path}`);
  const out = JSONPath({ path, json: data as object, wrap: true, eval: hasFilter ? 'safe' : false }) as Json[] | undefined;
  return out ?? [];
}

/** Value at a path, or Jayway's reason for no match. Indefinite paths always succeed with an array. */
export function lookupJsonPath(path: string, data: Json): PathLookup {
  const c = compile(path);
  if (c.kind === 'definite') return lookupSteps(c.steps, data);
  if (c.kind === 'function') {
    const base = lookupJsonPath(c.base, data);
    return base.ok ? applyPathFunction(c.fn, base.value, path) : base;
  }
  if (c.kind === 'invalid') return { ok: false, reason: `Invalid path: ${path}` };
  return { ok: true, value: queryJsonPath(path, data) };
}

/** Value at a path, or undefined when nothing matches. Indefinite paths (wildcard/filter/slice/..) yield an array. */
export function evaluateJsonPath(path: string, data: Json): Json | undefined {
  const r = lookupJsonPath(path, data);
  return r.ok ? r.value : undefined;
}

/** True for a definite path (a single value): only `.name`, `['name']` and `[index]` steps after `$`. */
export function isReferencePath(path: string): boolean {
  return compile(path).kind === 'definite';
}

/** The steps of a definite path (property names and indexes), or undefined for any other path. */
export function referencePathSteps(path: string): Step[] | undefined {
  const c = compile(path);
  return c.kind === 'definite' ? c.steps : undefined;
}

/** True when the text is syntactically a JSONPath that starts at `$`. */
export function isValidJsonPath(path: string): boolean {
  const fn = PATH_FUNCTION.exec(path);
  if (fn) return isValidJsonPath(fn[1]!);
  const c = compile(path);
  if (c.kind === 'definite') return true;
  if (c.kind === 'invalid') return false;
  let depth = 0;
  for (const ch of path) {
    if (ch === '[') depth++;
    else if (ch === ']' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Jayway's path functions (AWS evaluates JSONPath with Jayway): aggregates over an array, keys of an object. */
function applyPathFunction(fn: string, v: Json, path: string): PathLookup {
  const bad = (what: string): PathLookup => ({ ok: false, reason: `Function ${fn}() ${what} in path ${path}` });
  if (fn === 'keys') return isJsonObject(v) ? { ok: true, value: Object.keys(v) } : bad('expects an object');
  if (fn === 'length' || fn === 'size') {
    if (Array.isArray(v) || typeof v === 'string') return { ok: true, value: v.length };
    return isJsonObject(v) ? { ok: true, value: Object.keys(v).length } : bad('expects an array');
  }
  if (!Array.isArray(v)) return bad('expects an array');
  if (fn === 'first' || fn === 'last') {
    const item = fn === 'first' ? v[0] : v[v.length - 1];
    return item === undefined ? bad('found an empty array') : { ok: true, value: item };
  }
  const nums = v.filter((x): x is number => typeof x === 'number');
  if (nums.length === 0) return { ok: false, reason: 'Aggregation function attempted to calculate value using empty array' };
  const sum = nums.reduce((a, b) => a + b, 0);
  const avg = sum / nums.length;
  switch (fn) {
    case 'min': return { ok: true, value: Math.min(...nums) };
    case 'max': return { ok: true, value: Math.max(...nums) };
    case 'sum': return { ok: true, value: sum };
    case 'avg': return { ok: true, value: avg };
    default: return { ok: true, value: Math.sqrt(nums.reduce((a, b) => a + (b - avg) ** 2, 0) / nums.length) };
  }
}
