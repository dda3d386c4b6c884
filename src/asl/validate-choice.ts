/**
 * JSONPath Choice rules (ASL "Choice Rules"): a rule is either a comparison — `Variable` plus exactly one
 * operator — or exactly one of `And`/`Or`/`Not`. Only top-level rules carry `Next` (and `Assign`). `Variable`
 * and every `*Path` operand are Reference Paths. (JSONata rules, `Condition` only, are checked by the
 * language and JSONata rules.)
 */
import { isJsonObject, type JsonObject } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { loc, schemaError } from './diagnostics.js';
import { field, has, keys, type Walk } from './validate-walk.js';
import { ALL_CHOICE_OPERATORS, CHOICE_PATH_OPERATORS } from './schema-choice.js';
import { ruleObjects, wrongLanguage } from './validate-language.js';
import { checkReferencePath } from './validate-paths.js';

const OPERATORS = new Set(ALL_CHOICE_OPERATORS);
const COMBINATORS = ['And', 'Or', 'Not'];

export function choiceDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of w.states) {
    if (v.lang !== 'JSONPath' || field(v.state, 'Type') !== 'Choice') continue;
    const choices = field(v.state, 'Choices');
    if (!Array.isArray(choices)) continue;
    choices.forEach((top, i) => {
      if (!isJsonObject(top)) return;
      for (const { rule, at, depth } of ruleObjects(top, loc(v.at, 'Choices', i))) {
        if (depth > 0) {
          for (const f of ['Next', 'Assign']) if (has(rule, f)) out.push(schemaError(`Field '${f}' is not supported`, at));
        }
        // Nested rules too (the language rule sees only top-level ones; duplicates are dropped later).
        if (has(rule, 'Condition')) out.push(wrongLanguage('JSONPath', 'Condition', at));
        checkRuleShape(rule, at, out);
        checkReferencePath(field(rule, 'Variable'), loc(at, 'Variable'), out);
        for (const op of CHOICE_PATH_OPERATORS) checkReferencePath(field(rule, op), loc(at, op), out);
      }
    });
  }
  return out;
}

function checkRuleShape(rule: JsonObject, at: string, out: Diagnostic[]): void {
  const fields = keys(rule);
  const operators = fields.filter((f) => OPERATORS.has(f));
  const combinators = fields.filter((f) => COMBINATORS.includes(f));
  const kinds = [...operators, ...combinators];
  if (kinds.length === 0) {
    // A JSONata-style rule in a JSONPath state already has its language diagnostic.
    if (has(rule, 'Condition')) return;
    out.push(schemaError(`One of the following fields is required: [Variable, And, Or, Not]`, at));
    return;
  }
  if (kinds.length > 1) {
    out.push(schemaError(`There should only be one of the following fields: [${kinds.join(', ')}]`, at));
    return;
  }
  if (operators.length === 1 && !has(rule, 'Variable')) out.push(schemaError('These fields are required: [Variable]', at));
  if (combinators.length === 1 && has(rule, 'Variable')) out.push(schemaError(`Field 'Variable' is not supported`, at));
}
