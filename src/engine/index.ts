/** The engine's public surface: compile a definition, step an execution, replay a journal. */
export { compile, type Program } from './program.js';
export { step, isRedrivable, type EngineDeps } from './step.js';
export { replay } from './replay.js';
export { classifyResource, type ResourceInfo } from './task-resource.js';
export type {
  Command, EngineInput, ExecutionMeta, ExecutionState, ExecutionStatus, HistoryEvent, StepResult,
} from './contract.js';
