/**
 * JSONPath-mode data flow: InputPath, ResultPath, OutputPath (ASL spec "Input and Output Processing").
 *
 * Path failures throw `StatesError`. For InputPath/OutputPath the cause is the path-specific part AWS shows,
 * `Invalid path '$.no.such' : Missing property in path $['no']`; the engine prefixes it with
 * "An error occurred while executing the state '<name>' (entered at the event id #<n>). ".
 */
import type { Json, JsonObject } from '../util/json.js';
import { isJsonObject } from '../util/json.js';
import { States, StatesError } from './errors.js';
import { lookupJsonPath, referencePathSteps } from './json-path.js';
import type { PathLookup } from './json-path.js';
import type { Prng } from './prng.js';

/** Hash hook injected by the shell: algorithm is one of MD5, SHA-1, SHA-256, SHA-384, SHA-512; returns hex. */
export type HashFn = (algorithm: string, text: string) => string;

/**
 * What a `.$` path may read: `$` = effective input, `$$` = Context object, `$name` = workflow variable.
 * `rng` and `hash` serve States.MathRandom / States.UUID / States.Hash inside payload templates.
 */
export interface DataScope {
  input: Json;
  context: Json;
  variables: Record<string, Json>;
  rng?: Prng;
  hash?: HashFn;
}

const VARIABLE_PATH = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/s;

/** Resolves `$...` on the input, `$$...` on the context, `$name...` on a variable; Jayway-style reason on miss. */
export function lookupScopePath(path: string, scope: DataScope): PathLookup {
  // The common case first: `$`, `$.a`, `$[0]` read the input (no Context object, no variable name to match).
  const second = path.charCodeAt(1);
  if (path.charCodeAt(0) === 36 && (path.length === 1 || second === 46 || second === 91)) return lookupJsonPath(path, scope.input);
  if (path.startsWith('$$')) return lookupJsonPath(path.slice(1), scope.context);
  const v = VARIABLE_PATH.exec(path);
  if (v) {
    const name = v[1]!;
    if (!Object.prototype.hasOwnProperty.call(scope.variables, name)) {
      return { ok: false, reason: `No results for path: $['${name}']` };
    }
    return lookupJsonPath(`$${v[2] ?? ''}`, scope.variables[name]!);
  }
  return lookupJsonPath(path, scope.input);
}

/** Sets an own member; `__proto__` stays a plain key (never the prototype) without slowing the common case. */
export function setOwn(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** AWS's path-specific cause for a path that matched nothing (States.Runtime). */
export function invalidPathCause(path: string, reason: string): string {
  return `Invalid path '${path}' : ${reason}`;
}

/** Context object and variables, for InputPath/OutputPath values such as `$$` or `$$.Execution.Input`. */
export type PathExtras = Pick<DataScope, 'context' | 'variables'>;

function selectPath(path: string | null | undefined, data: Json, extras?: PathExtras): Json {
  if (path === undefined || path === '$') return data;
  if (path === null) return {};
  const r = extras && path.startsWith('$') && !/^\$[.[]/.test(path)
    ? lookupScopePath(path, { input: data, context: extras.context, variables: extras.variables })
    : lookupJsonPath(path, data);
  if (!r.ok) throw new StatesError(States.Runtime, invalidPathCause(path, r.reason));
  return r.value;
}

/**
 * InputPath: `undefined` or `$` passes the whole input, `null` yields `{}`; `$$...` reads the Context object when
 * `extras` is given (AWS accepts `"InputPath": "$$"`). When the path matches nothing this throws
 * StatesError(States.Runtime, "Invalid path '<path>' : No results for path: $['a']['b']").
 */
export function applyInputPath(path: string | null | undefined, input: Json, extras?: PathExtras): Json {
  return selectPath(path, input, extras);
}

/** OutputPath: same rules and errors as InputPath (`null` yields `{}`); `$$...` needs `extras`. */
export function applyOutputPath(path: string | null | undefined, output: Json, extras?: PathExtras): Json {
  return selectPath(path, output, extras);
}

function resultPathFailure(path: string, input: Json): StatesError {
  // AWS: States.ResultPathMatchFailure when the ResultPath cannot be applied to the state input.
  return new StatesError(
    States.ResultPathMatchFailure,
    `Unable to apply ResultPath "${path}" to input ${JSON.stringify(input)}`,
  );
}

/**
 * ResultPath: `undefined`/`$` replaces the input by the result, `null` keeps the input and discards the result,
 * otherwise the result is written into a copy of the input at the reference path, creating objects on the way
 * (only the containers along the path are copied; the input is never mutated). Throws
 * StatesError(States.ResultPathMatchFailure) when a step meets a non-object or an index out of range.
 */
export function applyResultPath(path: string | null | undefined, input: Json, result: Json): Json {
  if (path === undefined || path === '$') return result;
  if (path === null) return input;
  const steps = referencePathSteps(path);
  if (!steps) throw resultPathFailure(path, input);
  if (steps.length === 0) return result;
  return writeAt(steps, 0, input, result, path, input);
}

/** Writes `result` at `steps[k..]` under `node`, copying only the containers on the way (no closure per call). */
function writeAt(
  steps: ReadonlyArray<string | number>, k: number, node: Json | undefined, result: Json, path: string, input: Json,
): Json {
  const step = steps[k]!;
  const last = k === steps.length - 1;
  if (typeof step === 'number') {
    if (!Array.isArray(node)) throw resultPathFailure(path, input);
    const idx = step < 0 ? node.length + step : step;
    if (idx < 0 || idx >= node.length) throw resultPathFailure(path, input);
    const copy = node.slice();
    copy[idx] = last ? result : writeAt(steps, k + 1, node[idx], result, path, input);
    return copy;
  }
  if (node === undefined) node = {};
  if (!isJsonObject(node)) throw resultPathFailure(path, input);
  const copy: JsonObject = { ...node };
  if (last) {
    setOwn(copy, step, result);
    return copy;
  }
  const child = Object.prototype.hasOwnProperty.call(node, step) ? node[step] : undefined;
  setOwn(copy, step, writeAt(steps, k + 1, child, result, path, input));
  return copy;
}
