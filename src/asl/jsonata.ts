/**
 * JSONata query language (jsonata 2.0.6, the version AWS documents) with AWS's extra functions and causes.
 *
 * AWS adds `$partition`, `$range`, `$hash`, `$random(seed?)`, `$uuid` and `$parse`, and forbids `$eval`
 * (AWS docs "Transforming data with JSONata"). Randomness comes from the engine's seeded PRNG and `$now`/`$millis`
 * from the step's `now`, so evaluation stays deterministic for replay. Causes reproduce AWS's texts, e.g.
 * "The JSONata expression '$x' specified for the field 'Output/a' returned nothing (undefined)." (recorded in
 * the corpus `states_variables` and `intrinsic_functions` cases); the engine prefixes the state part.
 */
import jsonata from 'jsonata';
import type { Json, JsonObject } from '../util/json.js';
import { isJsonObject } from '../util/json.js';
import { formatTimestamp } from '../util/time.js';
import { States, StatesError } from './errors.js';
import { jsonataFunctions } from './jsonata-functions.js';
import { setOwn } from './paths.js';
import type { HashFn } from './paths.js';
import type { Prng } from './prng.js';

/** Variables visible to an expression: `$states` plus each workflow variable as `$name`. */
export interface JsonataBindings {
  states: { input: Json; result?: Json; errorOutput?: Json; context: Json };
  variables: Record<string, Json>;
  /** Used by `$hash`; absent → `$hash` fails. */
  hash?: HashFn;
  /** Epoch ms that `$now()` / `$millis()` report (the step's `now`); absent → jsonata's own clock. */
  now?: number;
}

const compiled = new Map<string, jsonata.Expression>();

function compile(expr: string): jsonata.Expression {
  let c = compiled.get(expr);
  if (!c) {
    c = jsonata(expr);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(expr, c);
  }
  return c;
}

/** True when the whole string is a JSONata template `{% ... %}` (no surrounding whitespace, as AWS requires). */
export function isJsonataTemplate(s: unknown): s is string {
  return typeof s === 'string' && s.length >= 4 && s.startsWith('{%') && s.endsWith('%}');
}

/** The expression inside `{% ... %}`, trimmed, as AWS quotes it in causes. */
export function jsonataTemplateExpression(template: string): string {
  return template.slice(2, -2).trim();
}

/** AWS cause for an expression that threw: "... threw an error during evaluation. T1006: Attempted to ...". */
export function jsonataErrorCause(expr: string, field: string, err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  const detail = typeof e?.code === 'string' ? `${e.code}: ${msg}` : msg;
  return `The JSONata expression '${expr}' specified for the field '${field}' threw an error during evaluation. ${detail}`;
}

/** AWS cause for an expression whose result is undefined where a value is required. */
export function jsonataUndefinedCause(expr: string, field: string): string {
  return `The JSONata expression '${expr}' specified for the field '${field}' returned nothing (undefined).`;
}

/** JSON type name as AWS prints it in type-mismatch causes. */
export function jsonTypeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * AWS cause for a result of the wrong type, e.g. field 'Items': "... returned an unexpected result type.
 * Expected 'array', but was 'string' for value: \"string\"".
 */
export function jsonataTypeCause(expr: string, field: string, expected: string, value: Json): string {
  return `The JSONata expression '${expr}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`;
}

/** jsonata results may carry sequence markers or non-JSON members; normalise to plain JSON. */
function toJson(v: unknown): Json | undefined {
  if (v === undefined || typeof v === 'function') return undefined;
  if (v === null || typeof v !== 'object') return v as Json;
  const text = JSON.stringify(v);
  return text === undefined ? undefined : (JSON.parse(text) as Json);
}

function buildBindings(b: JsonataBindings, rng: Prng): Record<string, unknown> {
  const out: Record<string, unknown> = { ...b.variables, ...jsonataFunctions(rng, b.hash) };
  out.states = b.states;
  if (b.now !== undefined) {
    const now = b.now;
    out.millis = () => now;
    // jsonata awaits a returned promise; reuse its own $fromMillis for pictures and time zones.
    out.now = (picture?: string, tz?: string) =>
      picture === undefined && tz === undefined
        ? formatTimestamp(now)
        : compile('$fromMillis($ms, $p, $tz)').evaluate(undefined, { ms: now, p: picture, tz });
  }
  return out;
}

/**
 * Evaluates one JSONata expression (no `{% %}` delimiters). Undefined = no result. Errors throw
 * StatesError('States.QueryEvaluationError', "The JSONata expression '<expr>' specified for the field '<field>'
 * threw an error during evaluation. <code>: <message>"); the engine prefixes the state part.
 */
export async function evaluateJsonata(
  expr: string, bindings: JsonataBindings, rng: Prng, field = '',
): Promise<Json | undefined> {
  try {
    const result: unknown = await compile(expr).evaluate(undefined, buildBindings(bindings, rng));
    return toJson(result);
  } catch (err) {
    if (err instanceof StatesError) throw err;
    throw new StatesError(States.QueryEvaluationError, jsonataErrorCause(expr, field, err));
  }
}

/**
 * Walks a value and evaluates every `{% %}` string (AWS: Arguments, Output, Assign, Items... are templates).
 * `field` names the ASL field for AWS's causes; nested members extend it with `/key` (e.g. 'Output/error').
 * Any expression that yields undefined fails with States.QueryEvaluationError "... returned nothing (undefined).".
 */
export async function evaluateJsonataTemplate(
  value: Json, bindings: JsonataBindings, rng: Prng, field = '',
): Promise<Json> {
  if (isJsonataTemplate(value)) {
    const expr = jsonataTemplateExpression(value);
    const out = await evaluateJsonata(expr, bindings, rng, field);
    if (out === undefined) throw new StatesError(States.QueryEvaluationError, jsonataUndefinedCause(expr, field));
    return out;
  }
  const sub = (key: string | number) => (field === '' ? String(key) : `${field}/${key}`);
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateJsonataTemplate(value[i]!, bindings, rng, sub(i)));
    return out;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      const v = await evaluateJsonataTemplate(value[key]!, bindings, rng, sub(key));
      setOwn(out, key, v);
    }
    return out;
  }
  return value;
}
