/**
 * What a rule target receives: the whole event (default), a constant `input`, the value at `inputPath`, or an
 * EventBridge input transformer — `inputPathsMap` (variable → JSONPath into the event) and `inputTemplate` with
 * `<variable>` placeholders. In a JSON template a placeholder outside quotes takes the value as JSON
 * (`"id": <id>` → `"id": "abc"`), inside quotes it is spliced into the string (`"<id> ok"` → `"abc ok"`,
 * quotes escaped). Predefined variables as in EventBridge: `aws.events.rule-arn`, `aws.events.rule-name`,
 * `aws.events.event.ingestion-time`, `aws.events.event` (the event without `detail`) and
 * `aws.events.event.json` (the whole event). A path that matches nothing gives null (an empty string in quotes).
 */
import { evaluateJsonPath, isValidJsonPath } from '../asl/json-path.js';
import { ServiceError } from '../service/errors.js';
import type { Json, JsonObject } from '../util/json.js';

export interface RuleTarget {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  ingestionTime: string;
}

const bad = (message: string) => new ServiceError('ValidationException', message, 400);
const VAR = /^[A-Za-z0-9_.-]+$/;

/** Validates a transformer (paths, variable names, template placeholders). */
export function validateTransformer(t: unknown, where: string): RuleTarget['inputTransformer'] {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw bad(`${where} must be an object { inputPathsMap, inputTemplate }`);
  const o = t as Record<string, unknown>;
  const paths = o['inputPathsMap'] ?? o['InputPathsMap'] ?? {};
  const template = o['inputTemplate'] ?? o['InputTemplate'];
  if (typeof template !== 'string' || template === '') throw bad(`${where}.inputTemplate is required (a string)`);
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) throw bad(`${where}.inputPathsMap must be an object`);
  const map: Record<string, string> = {};
  for (const [k, p] of Object.entries(paths)) {
    if (!VAR.test(k) || k.startsWith('aws.')) throw bad(`${where}.inputPathsMap: '${k}' is not a valid variable name (aws.* names are reserved)`);
    if (typeof p !== 'string' || !isValidJsonPath(p)) throw bad(`${where}.inputPathsMap.${k} must be a JSONPath such as "$.detail.id"`);
    map[k] = p;
  }
  return { inputPathsMap: map, inputTemplate: template };
}

function variables(event: JsonObject, t: NonNullable<RuleTarget['inputTransformer']>, c: TransformContext): Map<string, Json | undefined> {
  const vars = new Map<string, Json | undefined>();
  for (const [k, p] of Object.entries(t.inputPathsMap ?? {})) vars.set(k, evaluateJsonPath(p, event));
  const { detail: _detail, ...withoutDetail } = event;
  vars.set('aws.events.rule-arn', c.ruleArn);
  vars.set('aws.events.rule-name', c.ruleName);
  vars.set('aws.events.event.ingestion-time', c.ingestionTime);
  vars.set('aws.events.event', withoutDetail);
  vars.set('aws.events.event.json', event);
  return vars;
}

/** Fills an input template. */
export function fillTemplate(template: string, vars: Map<string, Json | undefined>): string {
  const json = /^\s*[[{"]/.test(template);
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '<') {
      const end = template.indexOf('>', i);
      const name = end > i ? template.slice(i + 1, end) : '';
      if (vars.has(name)) {
        const v = vars.get(name);
        if (json && !inString) out += v === undefined ? 'null' : JSON.stringify(v);
        else {
          const text = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
          out += json ? JSON.stringify(text).slice(1, -1) : text;
        }
        i = end;
        continue;
      }
    }
    if (ch === '\\' && inString) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
  }
  return out;
}

/** The execution input (JSON text) a target gets for an event. */
export function targetInput(target: RuleTarget, event: JsonObject, c: TransformContext): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(evaluateJsonPath(target.inputPath, event) ?? null);
  if (!target.inputTransformer) return JSON.stringify(event);
  const text = fillTemplate(target.inputTransformer.inputTemplate, variables(event, target.inputTransformer, c));
  // A plain-text template produces text; Step Functions needs JSON input, so it travels as a JSON string.
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
