/**
 * The import plan: what `convertFiles` hands to `asl import` / `POST /api/import`, plus the small helpers every
 * import-* file shares (JSON pointers, AWS name rules, a text rendering for the CLI).
 */
import type { Json } from '../util/json.js';

/** Something the importer could not do, or did with a guess. Any ERROR makes the whole plan unusable. */
export interface ImportProblem {
  file: string;
  /** RFC 6901 pointer into `file` ('' is the whole document). */
  pointer?: string;
  severity: 'ERROR' | 'WARNING';
  message: string;
}

/** A Lambda function a template reference was turned into. */
export interface ImportedFunction {
  logicalId: string;
  functionName: string;
  arn: string;
  /** Which rule gave the name: the resource's own name, `opts.map`, or the logical id as a last resort. */
  from: 'FunctionName' | 'map' | 'logicalId';
}

/** A reference that could not be resolved; the definition holds `${...}` text in its place. */
export interface Unresolved {
  file: string;
  pointer: string;
  what: string;
}

/** A schedule attached to the machine (SAM Schedule/ScheduleV2, serverless `schedule`, Events rules). */
export interface ImportedSchedule {
  expression: string;
  input?: string;
  enabled: boolean;
  name?: string;
}

/** One state machine to create. `definition` is JSON text that has been validated. */
export interface PlannedStateMachine {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: string;
  source: { file: string; pointer: string };
  substituted: { placeholder: string; value: string }[];
  functions: ImportedFunction[];
  unresolved: Unresolved[];
  schedules: ImportedSchedule[];
  roleArn?: string;
  tags?: Record<string, string>;
}

/** The result of converting a set of files. */
export interface ImportPlan {
  stateMachines: PlannedStateMachine[];
  problems: ImportProblem[];
}

/** What a converter sees of the call. */
export interface ImportOptions {
  /** Logical id (or template parameter name) → value: Lambda function names, parameter values. */
  map?: Record<string, string>;
  region: string;
  account: string;
  /** Reads a local file named by a template (DefinitionUri, DefinitionS3Location, serverless `${file()}`). */
  readFile?: (path: string) => string | undefined;
}

/** Text for a value spliced into a string (Fn::Sub, Fn::Join). */
export function asText(v: Json): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Partition of a region, as AWS::Partition reports it. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** `obj[key] = value` as an own property, even for `__proto__` (a key JSON.parse and YAML may produce). */
export function setOwn(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Appends reference tokens to a JSON pointer, escaping `~` and `/` (RFC 6901). */
export function ptr(base: string, ...parts: (string | number)[]): string {
  let out = base;
  for (const p of parts) out += '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

/**
 * A state machine name AWS accepts: 1–80 characters from `A-Za-z0-9-_` (the set AWS requires for machines
 * with CloudWatch logging; AWS also forbids whitespace, brackets, wildcards and `"#%\^|~`$&,;:/`). Every other
 * character becomes `-`, runs of `-` collapse, leading/trailing `-` go, the result is cut at 80 characters,
 * and an empty result becomes `StateMachine`.
 */
export function sanitizeName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return cleaned === '' ? 'StateMachine' : cleaned;
}

export function warn(file: string, pointer: string | undefined, message: string): ImportProblem {
  return pointer === undefined ? { file, severity: 'WARNING', message } : { file, pointer, severity: 'WARNING', message };
}

export function fail(file: string, pointer: string | undefined, message: string): ImportProblem {
  return pointer === undefined ? { file, severity: 'ERROR', message } : { file, pointer, severity: 'ERROR', message };
}

/** True when the plan must not be applied (any ERROR problem). */
export function planHasErrors(plan: ImportPlan): boolean {
  return plan.problems.some((p) => p.severity === 'ERROR');
}

/** A plain-text report for the CLI: one block per machine, then the problems, errors first. */
export function formatImportPlan(plan: ImportPlan): string {
  const lines: string[] = [];
  for (const m of plan.stateMachines) {
    lines.push(`${m.name} (${m.type}) from ${m.source.file}${m.source.pointer === '' ? '' : '#' + m.source.pointer}`);
    for (const f of m.functions) {
      const how = f.from === 'logicalId' ? ' (name guessed from the logical id; use --map)' : f.from === 'map' ? ' (from --map)' : '';
      lines.push(`  function ${f.logicalId} -> ${f.arn}${how}`);
    }
    for (const s of m.substituted) lines.push(`  substituted ${s.placeholder} = ${s.value}`);
    for (const u of m.unresolved) lines.push(`  unresolved ${u.what} at ${u.file}#${u.pointer}`);
    for (const s of m.schedules) lines.push(`  schedule ${s.expression}${s.enabled ? '' : ' (disabled)'}${s.name ? ` "${s.name}"` : ''}`);
  }
  const sorted = [...plan.problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'ERROR' ? -1 : 1));
  for (const p of sorted) {
    lines.push(`${p.severity} ${p.file}${p.pointer === undefined || p.pointer === '' ? '' : '#' + p.pointer}: ${p.message}`);
  }
  if (plan.stateMachines.length === 0 && plan.problems.length === 0) lines.push('No state machines found.');
  return lines.join('\n');
}

const KNOWN_SUFFIXES = ['.asl.json', '.asl.yaml', '.asl.yml', '.template.json', '.template.yaml', '.template.yml', '.json', '.yaml', '.yml'];

/** A file's name without folders and without its import extensions (`orders.asl.yaml` → `orders`). */
export function stemOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const lower = base.toLowerCase();
  const suffix = KNOWN_SUFFIXES.find((s) => lower.endsWith(s) && lower.length > s.length);
  return suffix ? base.slice(0, base.length - suffix.length) : base;
}
