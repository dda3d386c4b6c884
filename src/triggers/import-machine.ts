/**
 * The last step shared by every source format: apply DefinitionSubstitutions, serialise, validate with the
 * same validator CreateStateMachine uses, and assemble the planned machine.
 */
import { validateDefinition } from '../asl/validate.js';
import type { Json } from '../util/json.js';
import type { Collector } from './import-intrinsics.js';
import type { ImportedSchedule, ImportProblem, PlannedStateMachine } from './import-report.js';
import { fail, sanitizeName, warn } from './import-report.js';

/** A definition as found: an object (YAML/JSON, Definition property) or text (DefinitionString, .asl.json). */
export type FoundDefinition = { kind: 'object'; value: Json } | { kind: 'text'; text: string };

export interface MachineParts {
  file: string;
  /** Pointer of the machine (resource, serverless key, or '' for a whole ASL file). */
  pointer: string;
  /** Pointer of the definition itself, where validation errors are reported. */
  definitionPointer: string;
  name: string;
  type: Json | undefined;
  definition: FoundDefinition;
  /** DefinitionSubstitutions, already evaluated; undefined when the format has none. */
  substitutions?: Record<string, string>;
  collector: Collector;
  schedules: ImportedSchedule[];
  roleArn?: string;
  tags?: Record<string, string>;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_.:-]+)\}/g;

/**
 * Replaces `${name}` by its DefinitionSubstitutions value. CloudFormation substitutes in the definition text,
 * so a placeholder may sit anywhere; the value is JSON-string-escaped because placeholders almost always sit
 * inside a JSON string (an ARN, a URL). A `${name}` with no entry is left as-is and reported.
 */
function substitute(parts: MachineParts, text: string): string {
  const subs = parts.substitutions;
  if (subs === undefined) return text;
  const { collector: out } = parts;
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(subs, name)) {
      const value = subs[name]!;
      if (!out.substituted.some((s) => s.placeholder === whole)) out.substituted.push({ placeholder: whole, value });
      return JSON.stringify(value).slice(1, -1);
    }
    if (!out.placeholders.includes(whole) && !out.unresolved.some((u) => u.what.includes(whole))) {
      const what = `placeholder ${whole} has no DefinitionSubstitutions entry`;
      out.unresolved.push({ file: parts.file, pointer: parts.definitionPointer, what });
      out.problems.push(warn(parts.file, parts.definitionPointer, `unresolved: ${what}; left as-is`));
    }
    return whole;
  });
}

function machineType(parts: MachineParts, problems: ImportProblem[]): 'STANDARD' | 'EXPRESS' {
  if (parts.type === undefined || parts.type === null) return 'STANDARD';
  if (parts.type === 'STANDARD' || parts.type === 'EXPRESS') return parts.type;
  problems.push(fail(parts.file, parts.pointer, `state machine type ${JSON.stringify(parts.type)} is neither STANDARD nor EXPRESS`));
  return 'STANDARD';
}

/** Builds the planned machine; validation ERRORs and the collector's problems go to `problems`. */
export function finishMachine(parts: MachineParts, problems: ImportProblem[]): PlannedStateMachine {
  const type = machineType(parts, problems);
  const raw = parts.definition.kind === 'text' ? parts.definition.text : JSON.stringify(parts.definition.value, null, 2);
  const definition = substitute(parts, raw);
  problems.push(...parts.collector.problems);
  const name = sanitizeName(parts.name);
  if (name !== parts.name) {
    problems.push(warn(parts.file, parts.pointer, `name "${parts.name}" is not a valid state machine name; using "${name}"`));
  }
  for (const d of validateDefinition(definition, { type })) {
    if (d.severity !== 'ERROR') continue;
    const at = d.location === undefined ? '' : ` at ${d.location}`;
    problems.push(fail(parts.file, parts.definitionPointer, `definition of ${name} is invalid: ${d.code}: ${d.message}${at}`));
  }
  const { collector: out } = parts;
  const machine: PlannedStateMachine = {
    name, type, definition,
    source: { file: parts.file, pointer: parts.pointer },
    substituted: out.substituted, functions: out.functions, unresolved: out.unresolved, schedules: parts.schedules,
  };
  if (parts.roleArn !== undefined) machine.roleArn = parts.roleArn;
  if (parts.tags !== undefined) machine.tags = parts.tags;
  return machine;
}
