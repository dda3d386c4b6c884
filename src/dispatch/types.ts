/** The TaskDispatcher port: how the runner carries out a committed DispatchTask command. */
import type { Command } from '../engine/contract.js';
import type { Json } from '../util/json.js';
import type { CancelSignal } from './cancel-signal.js';
import type { EndpointPool } from './endpoint-pool.js';

export type DispatchTaskCommand = Extract<Command, { kind: 'DispatchTask' }>;

/** What a task call came to: the task's result, or an ASL error `{ error, cause }`. */
export type TaskOutcome =
  /** `outputText`: the result exactly as the function returned it, when it was JSON (AWS records it verbatim). */
  | { ok: true; output: Json; outputText?: string }
  | { ok: false; error: string; cause?: string };

export interface DispatchHooks {
  /**
   * Called once when the call actually begins (AWS then records TaskStarted / LambdaFunctionStarted). An activity
   * task passes the polling worker's name (AWS records it in ActivityStarted.workerName).
   */
  onStarted?: (info?: { workerName?: string }) => void;
  /** The execution the task belongs to (activity tasks key their durable rows by it). */
  executionArn?: string;
}

export interface TaskDispatcher {
  /** Performs the task; never rejects (failures are outcomes). Aborting `signal` abandons the call. */
  dispatch(cmd: DispatchTaskCommand, signal: CancelSignal, hooks?: DispatchHooks): Promise<TaskOutcome>;
}

/** A resolved function: the environments that serve it and the version reported as `ExecutedVersion`. */
export interface FunctionTarget {
  version: string;
  pool: EndpointPool;
  /** The function's own timeout (seconds): the watchdog allows this plus a margin before giving up on an endpoint. */
  timeoutSeconds?: number;
}

/**
 * Resolves a function name (and qualifier: a version number or an alias) to the endpoints that serve it. A bare
 * URL string is a one-endpoint function (the v1 registry); undefined means the function does not exist.
 */
export type FunctionLookup = (name: string, qualifier?: string) => Promise<string | FunctionTarget | undefined> | string | FunctionTarget | undefined;
