/**
 * JSONPath-mode field checks: every `*Path` field, ResultPath, InputPath/OutputPath, and the payload
 * templates (Parameters, ResultSelector, ItemSelector, ItemReader/ResultWriter Parameters, Credentials,
 * Assign) whose `"key.$"` values must be a Path or an intrinsic call. AWS wording (recorded):
 * `The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call`, located
 * at the object holding the key.
 */
import { isJsonObject, type Json } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { Code, error, loc, schemaError, warning } from './diagnostics.js';
import { field, keys, type StateVisit, type Walk } from './validate-walk.js';
import { intrinsicProblem, isPathOrIntrinsic, isValidPath, referencePathProblem } from './validate-path-syntax.js';

/** Fields that must hold a Reference Path (a single node). */
const REFERENCE_PATH_FIELDS = [
  'ResultPath', 'ItemsPath', 'SecondsPath', 'TimestampPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath',
  'MaxConcurrencyPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath',
];
/** Fields that may hold any Path (InputPath `$.a[0:2]` is legal). */
const PATH_FIELDS = ['InputPath', 'OutputPath'];
/** Fields that take a Reference Path or an intrinsic call (Fail). */
const PATH_OR_INTRINSIC_FIELDS = ['ErrorPath', 'CausePath'];
/** Payload-template fields of a state. */
const TEMPLATE_FIELDS = ['Parameters', 'ResultSelector', 'ItemSelector', 'Credentials', 'Assign'];

/** Variable names: letters, digits and underscores, not starting with a digit (AWS "Passing data with variables"). */
const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function pathDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of w.states) {
    checkAssignNames(v, out);
    if (v.lang !== 'JSONPath') continue;
    checkStaticResult(v, out);
    for (const f of REFERENCE_PATH_FIELDS) checkReferencePath(field(v.state, f), loc(v.at, f), out);
    for (const f of PATH_FIELDS) {
      const value = field(v.state, f);
      if (typeof value === 'string' && !isValidPath(value)) out.push(schemaError('Value must be a valid JSONPath.', loc(v.at, f)));
    }
    for (const f of PATH_OR_INTRINSIC_FIELDS) {
      const value = field(v.state, f);
      if (typeof value !== 'string') continue;
      const ok = value.startsWith('$') ? referencePathProblem(value) === undefined : intrinsicProblem(value) === undefined;
      if (!ok) out.push(schemaError('Value must be a valid Reference Path or intrinsic function call', loc(v.at, f)));
    }
    for (const f of TEMPLATE_FIELDS) checkTemplate(field(v.state, f), loc(v.at, f), out);
    for (const sub of ['ItemReader', 'ResultWriter']) {
      const o = field(v.state, sub);
      if (isJsonObject(o)) checkTemplate(field(o, 'Parameters'), loc(v.at, sub, 'Parameters'), out);
    }
    const rules = field(v.state, 'Choices');
    if (Array.isArray(rules)) {
      rules.forEach((r, i) => isJsonObject(r) && checkTemplate(field(r, 'Assign'), loc(v.at, 'Choices', i, 'Assign'), out));
    }
    const catchers = field(v.state, 'Catch');
    if (Array.isArray(catchers)) {
      catchers.forEach((c, i) => {
        if (!isJsonObject(c)) return;
        checkReferencePath(field(c, 'ResultPath'), loc(v.at, 'Catch', i, 'ResultPath'), out);
        checkTemplate(field(c, 'Assign'), loc(v.at, 'Catch', i, 'Assign'), out);
      });
    }
  }
  return out;
}

/** A Reference Path diagnostic (AWS: `Value is not a Reference Path: Reference path didn't start with '$'`). */
export function checkReferencePath(value: Json | undefined, at: string, out: Diagnostic[]): void {
  if (typeof value !== 'string') return;
  const problem = referencePathProblem(value);
  if (problem !== undefined) out.push(schemaError(`Value is not a Reference Path: ${problem}`, at));
}

/**
 * Walks a payload template (iteratively): every key ending in `.$` needs a string that is a Path or an
 * intrinsic call. Arrays are walked too (a template may nest objects inside arrays).
 */
export function checkTemplate(template: Json | undefined, at: string, out: Diagnostic[]): void {
  if (!isJsonObject(template) && !Array.isArray(template)) return;
  const stack: { node: Json; at: string }[] = [{ node: template, at }];
  while (stack.length > 0) {
    const { node, at: here } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, at: loc(here, i) }));
      continue;
    }
    if (!isJsonObject(node)) continue;
    for (const key of keys(node)) {
      const value = node[key] as Json;
      if (key.endsWith('.$')) {
        if (typeof value !== 'string' || !isPathOrIntrinsic(value)) {
          out.push(schemaError(`The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`, here));
        }
      } else if (typeof value === 'object' && value !== null) {
        stack.push({ node: value, at: loc(here, key) });
      } else if (typeof value === 'string' && LOOKS_DYNAMIC.test(value)) {
        out.push(warning(Code.NoDollar, `The value for the field '${key}' looks like a JSONPath or intrinsic function, but the field name does not end with '.$'`, loc(here, key)));
      }
    }
  }
}

/** A string that reads like a path or an intrinsic call (NO_DOLLAR warning when its key lacks `.$`). */
const LOOKS_DYNAMIC = /^(?:\$\$?\.[\p{L}_]|States\.[A-Za-z0-9]+\(.*\)$)/su;

/** PASS_RESULT_IS_STATIC: a Pass `Result` is never evaluated, so a `.$` key in it is a likely mistake. */
function checkStaticResult(v: StateVisit, out: Diagnostic[]): void {
  if (field(v.state, 'Type') !== 'Pass') return;
  const result = field(v.state, 'Result');
  if (isJsonObject(result) && keys(result).some((k) => k.endsWith('.$'))) {
    out.push(warning(Code.PassResultIsStatic, "The Result of a Pass state is static: keys ending in '.$' are not evaluated (use Parameters)", loc(v.at, 'Result')));
  }
}

/** Assign keys are variable names (a JSONPath `.$` suffix aside); `states` is reserved. */
function checkAssignNames(v: StateVisit, out: Diagnostic[]): void {
  const targets: { assign: Json | undefined; at: string }[] = [{ assign: field(v.state, 'Assign'), at: loc(v.at, 'Assign') }];
  const catchers = field(v.state, 'Catch');
  if (Array.isArray(catchers)) {
    catchers.forEach((c, i) => isJsonObject(c) && targets.push({ assign: field(c, 'Assign'), at: loc(v.at, 'Catch', i, 'Assign') }));
  }
  const rules = field(v.state, 'Choices');
  if (Array.isArray(rules)) {
    rules.forEach((r, i) => isJsonObject(r) && targets.push({ assign: field(r, 'Assign'), at: loc(v.at, 'Choices', i, 'Assign') }));
  }
  for (const { assign, at } of targets) {
    if (!isJsonObject(assign)) continue;
    for (const key of keys(assign)) {
      const name = v.lang === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
      if (name === 'states') out.push(error(Code.ReservedVariable, "Cannot assign to reserved variable '$states'.", loc(at, key)));
      else if (!VARIABLE_NAME.test(name)) {
        out.push(error(Code.InvalidVariable, `Invalid variable name '${name}': the variable name contains invalid characters.`, loc(at, key)));
      }
    }
  }
}
