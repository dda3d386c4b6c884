/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, Assign in JSONPath mode; ASL spec "Payload
 * Template"). Keys ending in `.$` take a path or an intrinsic call and lose the suffix; everything else is copied.
 */
import type { Json, JsonObject } from '../util/json.js';
import { isJsonObject } from '../util/json.js';
import { States, StatesError } from './errors.js';
import { isIntrinsicCall } from './intrinsic-parser.js';
import { evaluateIntrinsic } from './intrinsics.js';
import { lookupScopePath, setOwn } from './paths.js';
import type { DataScope } from './paths.js';

export type { DataScope, HashFn } from './paths.js';

/** AWS's cause when a `.$` path matches nothing (States.Runtime), e.g. for field 'address.$'. */
export function missingFieldPathCause(path: string, field: string, scope: DataScope): string {
  const source = path.startsWith('$$') ? scope.context : scope.input;
  return `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(source)}'`;
}

/** Resolves one `.$` value (a path on input/context/variables, or an intrinsic call) for the named field. */
export function resolveDollarValue(text: string, scope: DataScope, field = text): Json {
  if (isIntrinsicCall(text)) return evaluateIntrinsic(text, scope, scope.rng, scope.hash, field);
  const r = lookupScopePath(text, scope);
  if (!r.ok) throw new StatesError(States.Runtime, missingFieldPathCause(text, field, scope));
  return r.value;
}

/**
 * Evaluates a payload template: keys ending in `.$` take a path or an intrinsic call and lose the suffix;
 * objects/arrays recurse. Throws StatesError(States.Runtime, "The JSONPath '$.x' specified for the field 'y.$'
 * could not be found in the input '<json>'") for a missing path, States.IntrinsicFailure for intrinsic failures.
 */
export function applyPayloadTemplate(template: Json, scope: DataScope): Json {
  if (Array.isArray(template)) return template.map((t) => applyPayloadTemplate(t, scope));
  if (!isJsonObject(template)) return template;
  const out: JsonObject = {};
  for (const key of Object.keys(template)) {
    const value = template[key]!;
    let name = key;
    let resolved: Json;
    if (key.endsWith('.$') && typeof value === 'string') {
      name = key.slice(0, -2);
      resolved = resolveDollarValue(value, scope, key);
    } else {
      resolved = applyPayloadTemplate(value, scope);
    }
    setOwn(out, name, resolved);
  }
  return out;
}
