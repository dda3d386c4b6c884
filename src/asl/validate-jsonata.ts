/**
 * JSONata checks for JSONata states: every `{% … %}` string in a field that JSONata evaluates must parse.
 * AWS reports INVALID_JSONATA_EXPRESSION with the JSONata parser's message (its `S0xxx: ` code stripped),
 * e.g. `Expected "]", got ","`, at the field; `$$` is UNSUPPORTED_JSONATA_EXPRESSION `Reference to '$$' is
 * not supported.`, and `$states.errorOutput` outside a catcher is `Field '$states.errorOutput' does not
 * exist.` (measured, floci#2745). jsonata 2.0.6 is the version AWS documents.
 */
import jsonata from 'jsonata';
import { isJsonObject, type Json } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { Code, error, loc } from './diagnostics.js';
import { field, keys, type Walk } from './validate-walk.js';
import { expressionBody, isExpression } from './validate-language.js';

/** State fields whose strings JSONata evaluates. */
const EXPRESSION_FIELDS = [
  'Arguments', 'Output', 'Assign', 'Items', 'ItemSelector', 'Seconds', 'Timestamp', 'TimeoutSeconds',
  'HeartbeatSeconds', 'MaxConcurrency', 'ToleratedFailureCount', 'ToleratedFailurePercentage', 'Error', 'Cause',
  'Credentials', 'ItemReader', 'ItemBatcher', 'ResultWriter',
];

export function jsonataDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of w.states) {
    if (v.lang !== 'JSONata') continue;
    for (const f of EXPRESSION_FIELDS) checkValue(field(v.state, f), loc(v.at, f), false, out);
    const choices = field(v.state, 'Choices');
    if (Array.isArray(choices)) {
      choices.forEach((rule, i) => {
        if (!isJsonObject(rule)) return;
        for (const f of ['Condition', 'Output', 'Assign']) checkValue(field(rule, f), loc(v.at, 'Choices', i, f), false, out);
      });
    }
    const catchers = field(v.state, 'Catch');
    if (Array.isArray(catchers)) {
      catchers.forEach((c, i) => {
        if (!isJsonObject(c)) return;
        for (const f of ['Output', 'Assign']) checkValue(field(c, f), loc(v.at, 'Catch', i, f), true, out);
      });
    }
  }
  return out;
}

/** Checks every expression string inside a value (walked iteratively); one diagnostic per field at most. */
function checkValue(value: Json | undefined, at: string, inCatcher: boolean, out: Diagnostic[]): void {
  if (value === undefined) return;
  const stack: Json[] = [value];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === 'string') {
      if (!isExpression(node)) continue;
      const problem = expressionProblem(expressionBody(node), inCatcher);
      if (problem) {
        out.push(error(problem.code, problem.message, at));
        return;
      }
    } else if (Array.isArray(node)) stack.push(...node);
    else if (isJsonObject(node)) for (const k of keys(node)) stack.push(node[k] as Json);
  }
}

interface Problem {
  code: string;
  message: string;
}

/** Why AWS would refuse the expression, or undefined. */
export function expressionProblem(expression: string, inCatcher = false): Problem | undefined {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch (e) {
    const message = e instanceof RangeError ? 'Expression is too deeply nested' : String((e as { message?: unknown }).message ?? e);
    return { code: Code.InvalidJsonata, message };
  }
  const stack: unknown[] = [ast];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const n = node as { type?: unknown; value?: unknown; steps?: unknown };
    if (n.type === 'variable' && n.value === '$') return { code: Code.UnsupportedJsonata, message: "Reference to '$$' is not supported." };
    if (!inCatcher && n.type === 'path' && Array.isArray(n.steps)) {
      const [first, second] = n.steps as { type?: unknown; value?: unknown }[];
      if (first?.type === 'variable' && first.value === 'states' && second?.type === 'name' && second.value === 'errorOutput') {
        return { code: Code.UnsupportedJsonata, message: "Field '$states.errorOutput' does not exist." };
      }
    }
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return undefined;
}
