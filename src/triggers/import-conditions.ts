/**
 * CloudFormation `Conditions`, evaluated for `Fn::If`: `Fn::Equals` (compares the two values as text, as
 * CloudFormation compares strings), `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`. A condition that depends on
 * something a local import cannot know (a parameter without Default, an import) has no truth value.
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';

/** Evaluates a value to text, or undefined when it holds anything unresolved. */
export type EvalText = (value: Json) => string | undefined;

const MAX_DEPTH = 32;

/** The truth of the named condition, or undefined when it cannot be known locally. */
export function conditionTruth(conditions: JsonObject, name: string, text: EvalText, depth = 0): boolean | undefined {
  const expr = ownGet(conditions, name);
  return expr === undefined || depth > MAX_DEPTH ? undefined : truth(conditions, expr, text, depth + 1);
}

function truth(conditions: JsonObject, expr: Json, text: EvalText, depth: number): boolean | undefined {
  if (typeof expr === 'boolean') return expr;
  if (!isJsonObject(expr) || depth > MAX_DEPTH) return undefined;
  const [key, arg] = Object.entries(expr)[0] ?? [];
  const args = Array.isArray(arg) ? arg : [];
  const parts = () => args.map((a) => truth(conditions, a, text, depth + 1));
  switch (key) {
    case 'Condition':
      return typeof arg === 'string' ? conditionTruth(conditions, arg, text, depth) : undefined;
    case 'Fn::Not': {
      const t = parts()[0];
      return t === undefined ? undefined : !t;
    }
    case 'Fn::And': {
      const t = parts();
      return t.includes(false) ? false : t.includes(undefined) ? undefined : true;
    }
    case 'Fn::Or': {
      const t = parts();
      return t.includes(true) ? true : t.includes(undefined) ? undefined : false;
    }
    case 'Fn::Equals': {
      if (args.length !== 2) return undefined;
      const [a, b] = args.map((x) => text(x));
      return a === undefined || b === undefined ? undefined : a === b;
    }
    default:
      return undefined;
  }
}
