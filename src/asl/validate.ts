/**
 * `validateDefinition`: AWS ValidateStateMachineDefinition in-process. Phases, as AWS reports them:
 * 1. parse (INVALID_JSON_DESCRIPTION / "Definition must be a valid JSON object"); a definition nested deeper
 *    than MAX_DEPTH is refused as TOO_DEEPLY_NESTED before anything recursive looks at it;
 * 2. schema + field rules (SCHEMA_VALIDATION_FAILED, INVALID_JSONATA_EXPRESSION, …): ajv over asl-schemas,
 *    query-language rules, paths and payload templates, JSONata syntax, Choice rules, Task resources;
 * 3. only when 2 found no ERROR: the transition graph (MISSING_TRANSITION_TARGET, MISSING_END_STATE), so a
 *    malformed state does not also produce a cascade of graph complaints.
 * `invalidDefinitionMessage` renders the ERRORs the way CreateStateMachine's InvalidDefinition does.
 */
import { isJsonObject } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { Code, error, hasErrors } from './diagnostics.js';
import { parseDefinition } from './parse.js';
import { dedupe, schemaDiagnostics } from './validate-schema.js';
import { jsonDepth, walk } from './validate-walk.js';
import { languageDiagnostics } from './validate-language.js';
import { pathDiagnostics } from './validate-paths.js';
import { stateDiagnostics } from './validate-states.js';
import { choiceDiagnostics } from './validate-choice.js';
import { jsonataDiagnostics } from './validate-jsonata.js';
import { resourceDiagnostics } from './validate-resource.js';
import { graphDiagnostics, nameDiagnostics } from './validate-graph.js';

export { invalidDefinitionMessage } from './diagnostics.js';

export interface ValidateOptions {
  type?: 'STANDARD' | 'EXPRESS';
}

/**
 * Deepest JSON nesting accepted. Real definitions stay far below it (each nested Parallel/Map adds four
 * levels); the cap keeps every later recursive consumer (ajv, JSON.stringify, the engine) off the stack limit.
 */
export const MAX_DEPTH = 256;

/** AWS-shaped diagnostics (ERRORs and WARNINGs) for definition text; never throws. */
export function validateDefinition(text: string, opts: ValidateOptions = {}): Diagnostic[] {
  const parsed = parseDefinition(text);
  const definition: unknown = parsed.definition;
  if (definition === undefined) return parsed.diagnostics;
  if (jsonDepth(definition, MAX_DEPTH) > MAX_DEPTH) {
    return [error(Code.TooDeep, `The definition is nested more than ${MAX_DEPTH} levels deep`, '/')];
  }
  if (!isJsonObject(definition)) return parsed.diagnostics;
  const w = walk(definition);
  const fieldPhase = dedupe([
    ...parsed.diagnostics,
    ...schemaDiagnostics(definition),
    ...languageDiagnostics(w),
    ...stateDiagnostics(w),
    ...pathDiagnostics(w),
    ...choiceDiagnostics(w),
    ...jsonataDiagnostics(w),
    ...resourceDiagnostics(w, opts.type ?? 'STANDARD'),
    ...nameDiagnostics(w),
  ]);
  if (hasErrors(fieldPhase)) return fieldPhase;
  return dedupe([...fieldPhase, ...graphDiagnostics(w)]);
}

/** True when the definition text would be accepted by CreateStateMachine. */
export function isValidDefinition(text: string, opts: ValidateOptions = {}): boolean {
  return !hasErrors(validateDefinition(text, opts));
}
