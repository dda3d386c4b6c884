/**
 * Diagnostic helpers shared by the parser and the validator: AWS diagnostic codes, constructors, JSON-pointer
 * locations in AWS's own spelling, and the CreateStateMachine `InvalidDefinition` message.
 */
import type { Diagnostic } from './types.js';

/** The AWS ValidateStateMachineDefinition codes this validator emits (API reference, "Diagnostic"). */
export const Code = {
  InvalidJson: 'INVALID_JSON_DESCRIPTION',
  Schema: 'SCHEMA_VALIDATION_FAILED',
  MissingTarget: 'MISSING_TRANSITION_TARGET',
  MissingEnd: 'MISSING_END_STATE',
  TooDeep: 'TOO_DEEPLY_NESTED',
  DuplicateName: 'DUPLICATE_STATE_NAME',
  InvalidName: 'INVALID_STATE_NAME',
  NoDollar: 'NO_DOLLAR',
  PassResultIsStatic: 'PASS_RESULT_IS_STATIC',
  InvalidJsonata: 'INVALID_JSONATA_EXPRESSION',
  UnsupportedJsonata: 'UNSUPPORTED_JSONATA_EXPRESSION',
  ReservedVariable: 'RESERVED_VARIABLE_NAME',
  InvalidVariable: 'INVALID_VARIABLE_NAME',
} as const;

/** An ERROR diagnostic; `location` is left out when undefined (AWS omits it for whole-definition faults). */
export function error(code: string, message: string, location?: string): Diagnostic {
  return location === undefined ? { severity: 'ERROR', code, message } : { severity: 'ERROR', code, message, location };
}

/** A WARNING diagnostic (it never makes the result FAIL). */
export function warning(code: string, message: string, location: string): Diagnostic {
  return { severity: 'WARNING', code, message, location };
}

/** A SCHEMA_VALIDATION_FAILED error, the code AWS uses for nearly every structural fault. */
export function schemaError(message: string, location: string): Diagnostic {
  return error(Code.Schema, message, location);
}

/**
 * A location in AWS's spelling: a JSON pointer whose array indices attach to the array's name
 * (`/States/P/Branches[0]/States/A`, `/States/C/Choices[1]/Next`) and whose names are NOT escaped
 * (a state named `a/b` is reported at `/States/a/b`), as AWS's diagnostics show them.
 */
export function loc(base: string, ...parts: (string | number)[]): string {
  let out = base === '/' ? '' : base;
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : `/${p}`;
  return out === '' ? '/' : out;
}

/**
 * The CreateStateMachine / UpdateStateMachine `InvalidDefinition` message. AWS renders every ERROR as
 * `CODE: message at location` and joins them with ", " inside one pair of quotes, e.g.
 * `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at
 * /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`
 * (recorded against AWS, localstack#12487); a diagnostic without location prints `at null`
 * (`'MISSING_END_STATE: Workflow has no terminal state at null'`). WARNINGs never block creation.
 */
export function invalidDefinitionMessage(diagnostics: readonly Diagnostic[]): string {
  const parts = diagnostics
    .filter((d) => d.severity === 'ERROR')
    .map((d) => `${d.code}: ${d.message} at ${d.location ?? 'null'}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}

/** True when any diagnostic is an ERROR. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'ERROR');
}
