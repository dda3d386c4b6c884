/**
 * The engine as the runner sees it. Production wires `compile`/`step` from src/engine; unit tests pass a
 * small fake here (the only place doubles are allowed).
 */
import type { EngineInput, ExecutionState, StepResult } from '../engine/contract.js';

export interface EnginePort {
  /** Compiles a validated definition text into the engine's immutable program. */
  compile(definitionText: string): unknown;
  step(program: unknown, state: ExecutionState | undefined, input: EngineInput): Promise<StepResult>;
}
