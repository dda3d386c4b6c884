/**
 * Query-language rules: which fields each language allows, and the one-way JSONPath → JSONata upgrade.
 * AWS wording (measured): `The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for
 * the 'JSONPath' QueryLanguage`, located at the state; `'QueryLanguage' can not be 'JSONPath' if set to
 * 'JSONata' for whole state machine` at the state, which replaces the field check for that state.
 */
import { isJsonObject, type Json, type JsonObject } from '../util/json.js';
import type { Diagnostic, QueryLanguage } from './types.js';
import { loc, schemaError } from './diagnostics.js';
import { field, has, keys, type StateVisit, type Walk } from './validate-walk.js';
import { ALL_CHOICE_OPERATORS } from './schema-choice.js';

/** State fields that exist only in JSONPath states. */
export const JSONPATH_ONLY = [
  'InputPath', 'OutputPath', 'ResultPath', 'ResultSelector', 'Parameters', 'Result', 'ItemsPath',
  'SecondsPath', 'TimestampPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'MaxConcurrencyPath',
  'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath', 'ErrorPath', 'CausePath',
];
/** State fields that exist only in JSONata states. */
export const JSONATA_ONLY = ['Output', 'Arguments', 'Items'];

/** Sub-object fields (ItemReader, ItemBatcher, ResultWriter, ReaderConfig) tied to one language. */
const SUB_JSONPATH_ONLY = ['Parameters', 'MaxItemsPath', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'];
const SUB_JSONATA_ONLY = ['Arguments'];

const other = (lang: QueryLanguage): QueryLanguage => (lang === 'JSONata' ? 'JSONPath' : 'JSONata');

/** The diagnostic for a field the state's language does not have. */
export function wrongLanguage(lang: QueryLanguage, fieldName: string, at: string): Diagnostic {
  return schemaError(
    `The QueryLanguage is set to '${lang}', but field '${fieldName}' is only supported for the '${other(lang)}' QueryLanguage`,
    at,
  );
}

export function languageDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of w.states) {
    if (w.topLanguage === 'JSONata' && field(v.state, 'QueryLanguage') === 'JSONPath') {
      out.push(schemaError("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", v.at));
      continue;
    }
    const forbidden = v.lang === 'JSONata' ? JSONPATH_ONLY : JSONATA_ONLY;
    for (const f of forbidden) if (has(v.state, f)) out.push(wrongLanguage(v.lang, f, v.at));
    checkCatchers(v, out);
    checkSubObjects(v, out);
    if (field(v.state, 'Type') === 'Choice') checkChoiceRules(v, out);
  }
  return out;
}

function checkCatchers(v: StateVisit, out: Diagnostic[]): void {
  const catchers = field(v.state, 'Catch');
  if (!Array.isArray(catchers)) return;
  catchers.forEach((c, i) => {
    if (!isJsonObject(c)) return;
    const bad = v.lang === 'JSONata' ? 'ResultPath' : 'Output';
    if (has(c, bad)) out.push(wrongLanguage(v.lang, bad, loc(v.at, 'Catch', i)));
  });
}

function checkSubObjects(v: StateVisit, out: Diagnostic[]): void {
  const forbidden = v.lang === 'JSONata' ? SUB_JSONPATH_ONLY : SUB_JSONATA_ONLY;
  for (const name of ['ItemReader', 'ItemBatcher', 'ResultWriter']) {
    const sub = field(v.state, name);
    if (!isJsonObject(sub)) continue;
    const at = loc(v.at, name);
    for (const f of forbidden) if (has(sub, f)) out.push(wrongLanguage(v.lang, f, loc(at, f)));
    const config = field(sub, 'ReaderConfig');
    if (isJsonObject(config)) {
      for (const f of forbidden) if (has(config, f)) out.push(wrongLanguage(v.lang, f, loc(at, 'ReaderConfig', f)));
    }
  }
}

/** JSONata rules select with `Condition` only; JSONPath rules never have one. */
const JSONPATH_RULE_FIELDS = ['Variable', 'And', 'Or', 'Not', ...ALL_CHOICE_OPERATORS];

function checkChoiceRules(v: StateVisit, out: Diagnostic[]): void {
  const rules = field(v.state, 'Choices');
  if (!Array.isArray(rules)) return;
  rules.forEach((rule: Json, i) => {
    if (!isJsonObject(rule)) return;
    const at = loc(v.at, 'Choices', i);
    if (v.lang === 'JSONata') {
      for (const f of keys(rule)) if (JSONPATH_RULE_FIELDS.includes(f)) out.push(wrongLanguage('JSONata', f, at));
      if (!has(rule, 'Condition')) out.push(schemaError('These fields are required: [Condition]', at));
    } else {
      if (has(rule, 'Condition')) out.push(wrongLanguage('JSONPath', 'Condition', at));
      if (has(rule, 'Output')) out.push(wrongLanguage('JSONPath', 'Output', at));
    }
  });
}

/** True for a JSONata `{% … %}` string. */
export function isExpression(value: Json | undefined): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** The expression inside `{% … %}`. */
export function expressionBody(value: string): string {
  return value.slice(2, -2);
}

/** Every JSON object in a rule tree (iterative), with its location. */
export function ruleObjects(rule: JsonObject, at: string): { rule: JsonObject; at: string; depth: number }[] {
  const out: { rule: JsonObject; at: string; depth: number }[] = [];
  const stack = [{ rule, at, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    out.push(top);
    const not = field(top.rule, 'Not');
    if (isJsonObject(not)) stack.push({ rule: not, at: loc(top.at, 'Not'), depth: top.depth + 1 });
    for (const k of ['Or', 'And']) {
      const list = field(top.rule, k);
      if (!Array.isArray(list)) continue;
      for (let i = list.length - 1; i >= 0; i--) {
        const r = list[i];
        if (isJsonObject(r)) stack.push({ rule: r, at: loc(top.at, k, i), depth: top.depth + 1 });
      }
    }
  }
  return out;
}
