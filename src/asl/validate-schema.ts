/**
 * Schema validation: ajv over the ASL JSON Schemas (compiled once, on first use), with ajv's errors
 * rewritten into AWS's diagnostic wording:
 * - missing fields → `These fields are required: [States, StartAt]` (one diagnostic per object);
 * - a field the object does not support → `Field 'TimeoutSeconds' is not supported` at the object;
 * - wrong type → `Expected value of type [STRING]`; enum → `Value should be one of the following: [JSONPath, JSONata]`;
 * - ranges → `Minimum value is 0` / `Minimum value is 0.0` (numbers) / `Maximum value is 100.0`;
 * - Choice timestamps → `String does not match RFC3339 timestamp`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Diagnostic } from './types.js';
import { isTimestamp } from '../util/time.js';
import { ASL_SCHEMAS, ROOT_SCHEMA_ID } from './schema-state-machine.js';
import { loc, schemaError } from './diagnostics.js';

let compiled: ValidateFunction | undefined;

/** The compiled root validator (built once per process). */
export function aslValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  // AWS's RFC 3339 rule ("T" separator, explicit zone, calendar-checked), shared with the Wait state check.
  ajv.addFormat('date-time', { type: 'string', validate: isTimestamp });
  for (const schema of Object.values(ASL_SCHEMAS)) ajv.addSchema(schema);
  compiled = ajv.getSchema(ROOT_SCHEMA_ID) as ValidateFunction;
  return compiled;
}

/** Schema diagnostics for a parsed definition (any JSON value). */
export function schemaDiagnostics(definition: unknown): Diagnostic[] {
  const validate = aslValidator();
  if (validate(definition)) return [];
  const errors = (validate.errors ?? []).filter((e) => !SKIPPED.has(e.keyword));
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: Diagnostic[] = [];
  const required = new Map<string, { missing: string[]; index: number }>();
  for (const e of errors) {
    // A wrong type makes every other complaint about the same value noise.
    if (e.keyword !== 'type' && typed.has(e.instancePath)) continue;
    const at = awsLocation(definition, e.instancePath);
    if (e.keyword === 'required') {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      const entry = required.get(at);
      if (entry) {
        if (!entry.missing.includes(prop)) entry.missing.push(prop);
      } else {
        required.set(at, { missing: [prop], index: out.length });
        out.push(schemaError('', at));
      }
      continue;
    }
    const message = describe(e);
    if (message !== undefined) out.push(schemaError(message, at));
  }
  for (const [, { missing, index }] of required) out[index]!.message = `These fields are required: [${missing.join(', ')}]`;
  return dedupe(out);
}

const SKIPPED = new Set(['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'const', '$ref']);

const TYPE_NAMES: Record<string, string> = {
  string: 'STRING',
  integer: 'INTEGER',
  number: 'NUMBER',
  boolean: 'BOOLEAN',
  object: 'OBJECT',
  array: 'ARRAY',
  null: 'NULL',
};

function describe(e: ErrorObject): string | undefined {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `Field '${String(params['additionalProperty'])}' is not supported`;
    case 'type': {
      const types = String(params['type']).split(',').map((t) => TYPE_NAMES[t] ?? t.toUpperCase());
      return `Expected value of type [${types.join(', ')}]`;
    }
    case 'enum':
      return `Value should be one of the following: [${(params['allowedValues'] as unknown[]).join(', ')}]`;
    case 'minimum':
      return `Minimum value is ${formatLimit(params['limit'], e.parentSchema)}`;
    case 'maximum':
      return `Maximum value is ${formatLimit(params['limit'], e.parentSchema)}`;
    case 'minItems':
      return `Minimum number of items is ${String(params['limit'])}`;
    case 'maxLength':
      return `Maximum length is ${String(params['limit'])}`;
    case 'format':
      return 'String does not match RFC3339 timestamp';
    default:
      return e.message ?? e.keyword;
  }
}

/** AWS prints limits of floating-point fields as Java doubles (`0.0`, `100.0`). */
function formatLimit(limit: unknown, parentSchema: unknown): string {
  const type = (parentSchema as { type?: unknown } | undefined)?.type;
  const isFloat = type === 'number' || (Array.isArray(type) && type.includes('number'));
  return isFloat && Number.isInteger(limit) ? `${String(limit)}.0` : String(limit);
}

/** ajv's escaped JSON pointer → AWS's location (`/States/P/Branches[0]`, names unescaped). */
export function awsLocation(root: unknown, pointer: string): string {
  if (pointer === '') return '/';
  let at = '/';
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      at = loc(at, i);
      node = node[i];
    } else {
      at = loc(at, seg);
      node = typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, seg)
        ? (node as Record<string, unknown>)[seg]
        : undefined;
    }
  }
  return at;
}

/** Drops repeated diagnostics (same code, message and location), keeping the first. */
export function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.message}\u0000${d.location ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
