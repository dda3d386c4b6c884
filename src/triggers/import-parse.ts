/**
 * File text → JSON value. JSON files go through JSON.parse; YAML files through the `yaml` package with
 * CloudFormation's short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub`, `!Join [...]`, …) rewritten to their long
 * form (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`), exactly as the CloudFormation YAML parser reads them.
 */
import { parseDocument, type Tags } from 'yaml';
import type { Json } from '../util/json.js';

/** Short-form tag → long-form key (AWS "Intrinsic function reference"). */
const SHORT_FORMS: Record<string, string> = {
  Ref: 'Ref', Condition: 'Condition', Sub: 'Fn::Sub', GetAtt: 'Fn::GetAtt', Join: 'Fn::Join', If: 'Fn::If',
  Select: 'Fn::Select', Split: 'Fn::Split', FindInMap: 'Fn::FindInMap', ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64', GetAZs: 'Fn::GetAZs', Equals: 'Fn::Equals', Not: 'Fn::Not', And: 'Fn::And', Or: 'Fn::Or',
  Cidr: 'Fn::Cidr', Transform: 'Fn::Transform', ToJsonString: 'Fn::ToJsonString', Length: 'Fn::Length',
};

/** `!GetAtt A.B.C` is `["A", "B.C"]`: the logical id ends at the first dot. */
function scalarArg(key: string, s: string): Json {
  if (key !== 'Fn::GetAtt') return s;
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

const CFN_TAGS: Tags = Object.entries(SHORT_FORMS).flatMap(([short, key]) => [
  { tag: `!${short}`, resolve: (s: string) => ({ [key]: scalarArg(key, s) }) },
  { tag: `!${short}`, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }) },
  { tag: `!${short}`, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => ({ [key]: map.toJSON() }) },
]) as unknown as Tags;

export type Parsed = { ok: true; value: Json } | { ok: false; message: string };

/** Which parser a file name asks for; anything else is tried as JSON, then YAML. */
export function formatOf(name: string): 'json' | 'yaml' | 'unknown' {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'unknown';
}

/** Parses a file's text; never throws. */
export function parseFile(name: string, raw: string): Parsed {
  const format = formatOf(name);
  const content = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // editors on Windows like to add a BOM
  if (format === 'json' || (format === 'unknown' && /^\s*[[{]/.test(content))) {
    try {
      return { ok: true, value: JSON.parse(content) as Json };
    } catch (e) {
      if (format === 'json') return { ok: false, message: `not valid JSON: ${(e as Error).message}` };
    }
  }
  return parseYaml(content);
}

function parseYaml(content: string): Parsed {
  const doc = parseDocument(content, { customTags: CFN_TAGS, merge: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const first = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, message: `not valid YAML: ${first}${at ? ` (line ${at.line}, column ${at.col})` : ''}` };
  }
  try {
    return { ok: true, value: (doc.toJS() ?? null) as Json };
  } catch (e) {
    return { ok: false, message: `not valid YAML: ${(e as Error).message}` };
  }
}
