/**
 * The adapter between the service and the functional core: validation (src/asl) and the engine port
 * (src/engine compile + step, with a node:crypto hash injected for States.Hash).
 */
import { createHash } from 'node:crypto';
import { parseDefinition } from '../asl/parse.js';
import { validateDefinition } from '../asl/validate.js';
import { invalidDefinitionMessage, hasErrors } from '../asl/diagnostics.js';
import type { Diagnostic, StateMachineDefinition } from '../asl/types.js';
import { compile, step } from '../engine/index.js';
import type { EnginePort } from '../runtime/engine-port.js';
import { ServiceError } from './errors.js';

export type MachineType = 'STANDARD' | 'EXPRESS';

/** AWS ValidateStateMachineDefinition diagnostics for a definition text. */
export function diagnose(text: string, type: MachineType): Diagnostic[] {
  return validateDefinition(text, { type });
}

/** Throws InvalidDefinition (AWS message format) when the definition has an ERROR diagnostic. */
export function assertValidDefinition(text: string, type: MachineType): void {
  const diagnostics = diagnose(text, type);
  if (hasErrors(diagnostics)) throw new ServiceError('InvalidDefinition', invalidDefinitionMessage(diagnostics));
}

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const deps = {
  hash: (algorithm: string, text: string) => createHash(HASHES[algorithm] ?? algorithm).update(text, 'utf8').digest('hex'),
};

/** The real engine behind the runner's port. */
export const realEngine: EnginePort = {
  compile(text: string) {
    const parsed = parseDefinition(text);
    if (!parsed.definition) throw new ServiceError('InvalidDefinition', invalidDefinitionMessage(parsed.diagnostics));
    return compile(parsed.definition as StateMachineDefinition);
  },
  step: (program, state, input) => step(program as ReturnType<typeof compile>, state, input, deps),
};
