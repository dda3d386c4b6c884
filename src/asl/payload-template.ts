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
 * One member of an object template, worked out once per template object (a definition is immutable): its
 * output name, and for a `.$` member its path or intrinsic call, so evaluation re-reads none of it.
 */
interface Member {
  key: string;
  name: string;
  value: Json;
  /** `.$` members: the text, and whether it is an intrinsic call rather than a path. */
  dollar?: string;
  intrinsic?: boolean;
}

const plans = new WeakMap<JsonObject, Member[]>();

function membersOf(template: JsonObject): Member[] {
  let plan = plans.get(template);
  if (plan !== undefined) return plan;
  plan = Object.keys(template).map((key): Member => {
    const value = template[key]!;
    if (key.endsWith('.$') && typeof value === 'string') {
      return { key, name: key.slice(0, -2), value, dollar: value, intrinsic: isIntrinsicCall(value) };
    }
    return { key, name: key, value };
  });
  plans.set(template, plan);
  return plan;
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
  const members = membersOf(template);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    let resolved: Json;
    if (m.dollar === undefined) {
      resolved = applyPayloadTemplate(m.value, scope);
    } else if (m.intrinsic) {
      resolved = evaluateIntrinsic(m.dollar, scope, scope.rng, scope.hash, m.key);
    } else {
      const r = lookupScopePath(m.dollar, scope);
      if (!r.ok) throw new StatesError(States.Runtime, missingFieldPathCause(m.dollar, m.key, scope));
      resolved = r.value;
    }
    setOwn(out, m.name, resolved);
  }
  return out;
}
