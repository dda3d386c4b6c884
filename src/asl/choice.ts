/**
 * Choice rule evaluation, JSONPath mode (ASL spec "Choice Rules"; AWS docs "Choice state").
 *
 * AWS semantics reproduced: a comparison whose Variable has the wrong type is simply false (never an error);
 * a Variable (or `...Path` operand) that matches nothing fails with States.Runtime, except under IsPresent.
 * Timestamps compare as instants (RFC 3339, parsed by util/time). StringMatches supports `*` with `\*` and
 * `\\` escapes.
 */
import type { Json } from '../util/json.js';
import { parseTimestamp } from '../util/time.js';
import { States, StatesError } from './errors.js';
import { lookupScopePath } from './paths.js';
import type { DataScope } from './paths.js';
import type { ChoiceRule } from './types.js';

type Cmp = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';
type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';

const COMPARISON = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/;
const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;
type TypeTest = (typeof TYPE_TESTS)[number];

/** AWS's path-specific cause when a Choice rule's path matches nothing; the engine adds the state prefix. */
export function choicePathCause(path: string): string {
  return `Invalid path '${path}': The choice state's condition path references an invalid value.`;
}

function resolve(path: string, scope: DataScope): Json {
  const r = lookupScopePath(path, scope);
  if (!r.ok) throw new StatesError(States.Runtime, choicePathCause(path));
  return r.value;
}

function order(a: number | string, b: number | string, cmp: Cmp): boolean {
  switch (cmp) {
    case 'Equals': return a === b;
    case 'LessThan': return a < b;
    case 'GreaterThan': return a > b;
    case 'LessThanEquals': return a <= b;
    case 'GreaterThanEquals': return a >= b;
  }
}

function compare(kind: Kind, cmp: Cmp, value: Json, operand: Json): boolean {
  switch (kind) {
    case 'String':
      return typeof value === 'string' && typeof operand === 'string' && order(value, operand, cmp);
    case 'Numeric':
      return typeof value === 'number' && typeof operand === 'number' && order(value, operand, cmp);
    case 'Boolean':
      return cmp === 'Equals' && typeof value === 'boolean' && value === operand;
    case 'Timestamp': {
      if (typeof value !== 'string' || typeof operand !== 'string') return false;
      const a = parseTimestamp(value);
      const b = parseTimestamp(operand);
      return a !== undefined && b !== undefined && order(a, b, cmp);
    }
  }
}

const matcherCache = new Map<string, RegExp>();

/** StringMatches pattern → RegExp: `*` matches any run of characters; `\*` and `\\` are literals. */
function matcher(pattern: string): RegExp {
  let re = matcherCache.get(pattern);
  if (re) return re;
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      src += `\\${pattern[++i]}`;
    } else if (c === '*') {
      src += '[\\s\\S]*';
    } else {
      src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  re = new RegExp(`^${src}$`, 'u');
  if (matcherCache.size > 10_000) matcherCache.clear();
  matcherCache.set(pattern, re);
  return re;
}

function typeTest(test: TypeTest, rule: ChoiceRule, scope: DataScope): boolean {
  const want = rule[test] !== false;
  const path = rule.Variable!;
  if (test === 'IsPresent') return lookupScopePath(path, scope).ok === want;
  const v = resolve(path, scope);
  let is: boolean;
  switch (test) {
    case 'IsNull': is = v === null; break;
    case 'IsNumeric': is = typeof v === 'number'; break;
    case 'IsString': is = typeof v === 'string'; break;
    case 'IsBoolean': is = typeof v === 'boolean'; break;
    case 'IsTimestamp': is = typeof v === 'string' && parseTimestamp(v) !== undefined; break;
  }
  return is === want;
}

/**
 * How a rule is evaluated, worked out once per rule object (a definition's rules are immutable): which of
 * And/Or/Not/type test/StringMatches/comparison applies, so evaluation does no key scan or RegExp match.
 */
type Plan =
  | { op: 'And' | 'Or'; rules: ChoiceRule[] }
  | { op: 'Not'; rule: ChoiceRule }
  | { op: 'type'; test: TypeTest }
  | { op: 'matches'; re: RegExp }
  | { op: 'compare'; kind: Kind; cmp: Cmp; operandPath: boolean; operand: Json }
  | { op: 'error'; cause: string };

const plans = new WeakMap<ChoiceRule, Plan>();

function planOf(rule: ChoiceRule): Plan {
  let p = plans.get(rule);
  if (p === undefined) {
    p = makePlan(rule);
    // Only objects can be WeakMap keys; anything else (an unvalidated definition) is planned every time.
    if (typeof rule === 'object' && rule !== null) plans.set(rule, p);
  }
  return p;
}

function makePlan(rule: ChoiceRule): Plan {
  if (rule.And) return { op: 'And', rules: rule.And };
  if (rule.Or) return { op: 'Or', rules: rule.Or };
  if (rule.Not) return { op: 'Not', rule: rule.Not };
  if (rule.Variable === undefined) return { op: 'error', cause: 'Choice rule has no Variable' };
  for (const test of TYPE_TESTS) {
    if (rule[test] !== undefined) return { op: 'type', test };
  }
  if (typeof rule.StringMatches === 'string') return { op: 'matches', re: matcher(rule.StringMatches) };
  for (const key of Object.keys(rule)) {
    const m = COMPARISON.exec(key);
    if (!m) continue;
    return { op: 'compare', kind: m[1] as Kind, cmp: m[2] as Cmp, operandPath: m[3] !== undefined, operand: rule[key] as Json };
  }
  return { op: 'error', cause: 'Choice rule has no comparison operator' };
}

/**
 * True when the rule matches. Type mismatches compare false; a `Variable` (or `...Path` operand) that matches
 * nothing throws StatesError(States.Runtime, "Invalid path '<path>': The choice state's condition path references
 * an invalid value.") except under IsPresent.
 */
export function evaluateChoiceRule(rule: ChoiceRule, scope: DataScope): boolean {
  const p = planOf(rule);
  switch (p.op) {
    case 'And': return p.rules.every((r) => evaluateChoiceRule(r, scope));
    case 'Or': return p.rules.some((r) => evaluateChoiceRule(r, scope));
    case 'Not': return !evaluateChoiceRule(p.rule, scope);
    case 'error': throw new StatesError(States.Runtime, p.cause);
    case 'type': return typeTest(p.test, rule, scope);
    case 'matches': {
      const v = resolve(rule.Variable!, scope);
      return typeof v === 'string' && p.re.test(v);
    }
    case 'compare': {
      const value = resolve(rule.Variable!, scope);
      const operand = p.operandPath ? resolve(p.operand as string, scope) : p.operand;
      return compare(p.kind, p.cmp, value, operand);
    }
  }
}
