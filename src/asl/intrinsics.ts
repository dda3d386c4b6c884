/**
 * Evaluation of the 18 AWS intrinsic functions (AWS docs "Intrinsic functions for JSONPath"), a table keyed by
 * function name. Bad arguments fail with States.IntrinsicFailure; a path argument that matches nothing fails
 * with States.Runtime using the payload-template wording.
 */
import type { Json, JsonObject } from '../util/json.js';
import { isJsonObject } from '../util/json.js';
import { States, StatesError } from './errors.js';
import { ARRAY_FUNCTIONS } from './intrinsics-array.js';
import { fail, int, num, str } from './intrinsics-args.js';
import type { Ctx, Impl } from './intrinsics-args.js';
import { checkIntrinsicArity, parseIntrinsic } from './intrinsic-parser.js';
import type { IntrinsicArg, IntrinsicCall } from './intrinsic-parser.js';
import {
  base64Decode, base64Encode, javaRound, javaToString, uuidV4,
} from './intrinsics-encoding.js';
import { lookupScopePath, setOwn } from './paths.js';
import type { DataScope, HashFn } from './paths.js';
import { createPrng } from './prng.js';
import type { Prng } from './prng.js';

export type { HashFn } from './paths.js';

/** The hash algorithms States.Hash accepts (AWS docs). */
export const HASH_ALGORITHMS = ['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;

// AWS limits (docs): Base64 and Hash inputs up to 10,000 characters.
const MAX_TEXT = 10_000;

/** States.Format: `{}` placeholders; in a literal template `\{` / `\}` are literal braces (AWS escapes). */
function format(args: Json[], ctx: Ctx): Json {
  const first = ctx.raw[0];
  const template = first?.kind === 'string' ? first.raw : str(args, 0, ctx);
  const literal = first?.kind === 'string';
  const values = args.slice(1);
  let out = '';
  let used = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (literal && c === '\\' && i + 1 < template.length) {
      out += template[++i];
    } else if (c === '{' && template[i + 1] === '}') {
      if (used >= values.length) fail(ctx, 'the number of arguments does not match the number of placeholders');
      out += javaToString(values[used++]!);
      i++;
    } else {
      out += c;
    }
  }
  if (used !== values.length) fail(ctx, 'the number of arguments does not match the number of placeholders');
  return out;
}

function stringToJson(args: Json[], ctx: Ctx): Json {
  const s = str(args, 0, ctx);
  // Recorded AWS behaviour: "" and whitespace-only strings give null.
  if (s.trim() === '') return null;
  try {
    const v = JSON.parse(s) as Json;
    return Object.is(v, -0) ? 0 : v; // AWS prints "-0" as 0
  } catch {
    return fail(ctx, `the string ${JSON.stringify(s)} is not valid JSON`);
  }
}

function jsonMerge(args: Json[], ctx: Ctx): Json {
  const a = args[0];
  const b = args[1];
  if (!isJsonObject(a)) fail(ctx, 'argument 1 must be a JSON object');
  if (!isJsonObject(b)) fail(ctx, 'argument 2 must be a JSON object');
  if (args[2] !== false) fail(ctx, 'only shallow merge is supported: the third argument must be false');
  const out: JsonObject = {};
  for (const src of [a, b]) {
    for (const k of Object.keys(src)) {
      setOwn(out, k, src[k]!);
    }
  }
  return out;
}

function mathRandom(args: Json[], ctx: Ctx): Json {
  const start = int(args, 0, ctx);
  const end = int(args, 1, ctx);
  if (end <= start) fail(ctx, 'the end argument must be greater than the start argument');
  // A seed makes the result reproducible, as java.util.Random(seed) does on AWS.
  const rng = args.length > 2 ? createPrng(int(args, 2, ctx)) : ctx.rng;
  if (!rng) fail(ctx, 'no random source available');
  return start + rng.nextInt(end - start);
}

const TABLE: Record<string, Impl> = {
  'States.Format': format,
  'States.StringToJson': stringToJson,
  'States.JsonToString': (args) => JSON.stringify(args[0]),
  ...ARRAY_FUNCTIONS,
  'States.Base64Encode': (args, ctx) => {
    const s = str(args, 0, ctx);
    if (s.length > MAX_TEXT) fail(ctx, `the input must not exceed ${MAX_TEXT} characters`);
    return base64Encode(s);
  },
  'States.Base64Decode': (args, ctx) => {
    const s = str(args, 0, ctx);
    if (s.length > MAX_TEXT) fail(ctx, `the input must not exceed ${MAX_TEXT} characters`);
    const out = base64Decode(s);
    if (out === undefined) fail(ctx, 'the input is not valid Base64');
    return out;
  },
  'States.Hash': (args, ctx) => {
    const data = args[0];
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    if (text.length > MAX_TEXT) fail(ctx, `the input must not exceed ${MAX_TEXT} characters`);
    const algorithm = str(args, 1, ctx);
    if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
      fail(ctx, `the hash algorithm must be one of ${HASH_ALGORITHMS.join(', ')}`);
    }
    if (!ctx.hash) fail(ctx, 'no hash function available');
    return ctx.hash(algorithm, text);
  },
  'States.JsonMerge': jsonMerge,
  'States.MathRandom': mathRandom,
  // AWS rounds each operand to an integer (Java Math.round, half up) before adding: 1.49 + 1.5 = 3.
  'States.MathAdd': (args, ctx) => javaRound(num(args, 0, ctx)) + javaRound(num(args, 1, ctx)),
  // Every character of the splitter is a delimiter; empty tokens are dropped (AWS docs example ".+,=").
  'States.StringSplit': (args, ctx) => {
    const s = str(args, 0, ctx);
    const seps = new Set(str(args, 1, ctx));
    const out: string[] = [];
    let cur = '';
    for (const c of s) {
      if (seps.has(c)) {
        if (cur !== '') out.push(cur);
        cur = '';
      } else cur += c;
    }
    if (cur !== '') out.push(cur);
    return out;
  },
  'States.UUID': (_args, ctx) => {
    if (!ctx.rng) fail(ctx, 'no random source available');
    return uuidV4(ctx.rng);
  },
};

/** True when `name` is one of the 18 intrinsic functions. */
export function isKnownIntrinsic(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(TABLE, name);
}

function evalArg(arg: IntrinsicArg, scope: DataScope, rng: Prng | undefined, hash: HashFn | undefined, field: string): Json {
  switch (arg.kind) {
    case 'string': return arg.value;
    case 'number': return arg.value;
    case 'boolean': return arg.value;
    case 'null': return null;
    case 'call': return evaluateCall(arg.call, scope, rng, hash, field);
    case 'path': {
      const r = lookupScopePath(arg.path, scope);
      if (!r.ok) {
        const source = arg.path.startsWith('$$') ? scope.context : scope.input;
        throw new StatesError(
          States.Runtime,
          `The JSONPath '${arg.path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(source)}'`,
        );
      }
      return r.value;
    }
  }
}

/** Arity problems by parsed call (parseIntrinsic caches calls by text, so each is checked once). */
const arityOf = new WeakMap<IntrinsicCall, string | null>();

function arityProblem(call: IntrinsicCall): string | undefined {
  let a = arityOf.get(call);
  if (a === undefined) {
    a = checkIntrinsicArity({ name: call.name, args: call.args }) ?? null;
    arityOf.set(call, a);
  }
  return a ?? undefined;
}

function evaluateCall(call: IntrinsicCall, scope: DataScope, rng: Prng | undefined, hash: HashFn | undefined, field: string): Json {
  const impl = TABLE[call.name];
  const arity = arityProblem(call);
  if (!impl || arity) throw new StatesError(States.IntrinsicFailure, arity ?? `Unknown intrinsic function ${call.name}`);
  const args = call.args.map((a) => evalArg(a, scope, rng, hash, field));
  return impl(args, { name: call.name, rng, hash, raw: call.args });
}

/**
 * Evaluates an intrinsic call (parsed or text) against the scope. Failures throw
 * StatesError('States.IntrinsicFailure', <message>); a path that matches nothing throws States.Runtime.
 * `field` names the template field for error causes (e.g. 'x.$').
 */
export function evaluateIntrinsic(
  call: IntrinsicCall | string, scope: DataScope, rng?: Prng, hash?: HashFn, field = '',
): Json {
  let parsed: IntrinsicCall;
  if (typeof call === 'string') {
    try {
      parsed = parseIntrinsic(call);
    } catch (e) {
      throw new StatesError(States.IntrinsicFailure, (e as Error).message);
    }
  } else parsed = call;
  return evaluateCall(parsed, scope, rng ?? scope.rng, hash ?? scope.hash, field);
}
