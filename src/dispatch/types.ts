/** The TaskDispatcher port: how the runner carries out a committed DispatchTask command. */
import type { Command } from '../engine/contract.js';
import type { Json } from '../util/json.js';

export type DispatchTaskCommand = Extract<Command, { kind: 'DispatchTask' }>;

/** What a task call came to: the task's result, or an ASL error `{ error, cause }`. */
export type TaskOutcome = { ok: true; output: Json } | { ok: false; error: string; cause?: string };

export interface DispatchHooks {
  /** Called once when the call actually begins (AWS then records TaskStarted / LambdaFunctionStarted). */
  onStarted?: () => void;
}

export interface TaskDispatcher {
  /** Performs the task; never rejects (failures are outcomes). Aborting `signal` abandons the call. */
  dispatch(cmd: DispatchTaskCommand, signal: AbortSignal, hooks?: DispatchHooks): Promise<TaskOutcome>;
}

/** Looks up the RIE invocation URL registered for a Lambda function name. */
export type FunctionLookup = (name: string) => string | undefined;
