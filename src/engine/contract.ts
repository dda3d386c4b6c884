/**
 * The engine's ports: what goes in (EngineInput), what comes out (events + commands), and the execution state
 * that is carried between steps. Everything here is plain JSON so it can be journalled, stored and replayed.
 *
 * The engine is pure and deterministic: `now` and the PRNG seed arrive in the inputs; waits, retries and
 * timeouts leave as timer commands; Tasks leave as dispatch commands. `step` returns a Promise only because
 * jsonata 2.x evaluates asynchronously; it performs no I/O and reads no clock.
 */
import type { Json } from '../util/json.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** Facts about the execution that the Context object (`$$` / `$states.context`) exposes. */
export interface ExecutionMeta {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  /** ISO-8601 start time, as `$$.Execution.StartTime` shows it. */
  startTime: string;
  region: string;
  account: string;
  /** `$$.Execution.RedriveCount`. */
  redriveCount?: number;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  /** STANDARD or EXPRESS: the engine refuses nothing by type, but some history/context details differ. */
  type: 'STANDARD' | 'EXPRESS';
}

/** Inputs to the engine. Every input carries `now` (epoch milliseconds). */
export type EngineInput =
  | {
      kind: 'Start'; now: number; input: Json; meta: ExecutionMeta; seed: number;
      /**
       * Additive (service worker): the input text exactly as StartExecution received it. AWS shows it verbatim in
       * ExecutionStarted and the first state's StateEntered (`"[[1, 2, 3]]"`, `"0.0"` are not re-serialised).
       */
      inputText?: string;
    }
  /** The dispatcher began the task (AWS emits TaskStarted / LambdaFunctionStarted). */
  | {
      kind: 'TaskStarted'; now: number; taskId: string;
      /** Additive (activities worker): the polling worker's name, recorded as ActivityStarted.workerName. */
      workerName?: string;
    }
  | {
      kind: 'TaskSucceeded'; now: number; taskId: string; output: Json;
      /**
       * Additive (raw text): the result exactly as the task returned it, when known. AWS records a Lambda result
       * verbatim (`0.0` stays `0.0`) and keeps that text while the state passes the result on unchanged.
       */
      outputText?: string;
    }
  | { kind: 'TaskFailed'; now: number; taskId: string; error: string; cause?: string }
  /** A `.waitForTaskToken` task's request was accepted (AWS emits TaskSubmitted). */
  | { kind: 'TaskSubmitted'; now: number; taskId: string; output: Json }
  | { kind: 'TaskHeartbeat'; now: number; taskId: string }
  | { kind: 'TimerFired'; now: number; timerId: string }
  /** StopExecution. */
  | { kind: 'Stop'; now: number; error?: string; cause?: string }
  /**
   * Additive (redrive): RedriveExecution of a FAILED / TIMED_OUT / ABORTED execution. The engine emits
   * ExecutionRedriven{redriveCount} and re-enters the state that did not succeed, keeping the results of the
   * Parallel branches / Map iterations that did (AWS "Redriving executions").
   */
  | { kind: 'Redrive'; now: number };

export type EngineInputKind = EngineInput['kind'];

/** Commands the engine asks the shell to carry out after the step is committed. */
export type Command =
  | {
      kind: 'DispatchTask';
      /** Deterministic id, unique within the execution (e.g. `t17`): recovery re-issues it idempotently. */
      taskId: string;
      stateName: string;
      /** The Resource field as written (after resolving nothing: ARNs are the dispatcher's business). */
      resource: string;
      /** The effective task input (Parameters/Arguments applied). */
      payload: Json;
      /**
       * Additive: the payload's exact text when it is the state input passed on unchanged in its original text
       * (AWS sends a Lambda the input `0.0` as `0.0`). Absent: the dispatcher serialises `payload`.
       */
      payloadText?: string;
      timeoutSeconds?: number;
      heartbeatSeconds?: number;
      /** `$$.Task.Token` when the resource ends in `.waitForTaskToken`. */
      taskToken?: string;
      /** Credentials field, evaluated, when present. */
      credentials?: Json;
    }
  | { kind: 'CancelTask'; taskId: string }
  | { kind: 'StartTimer'; timerId: string; fireAt: number }
  | { kind: 'CancelTimer'; timerId: string };

export type CommandKind = Command['kind'];

/**
 * An AWS-shaped history event (GetExecutionHistory's HistoryEvent). `timestamp` is epoch milliseconds here;
 * the API renders it as epoch seconds. Payload members (`input`, `output`, `parameters`) are JSON strings, as
 * AWS sends them. At most one `*EventDetails` member is set.
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: number;
  [details: string]: Json | undefined;
}

/**
 * Engine state between steps. Only the fields below are part of the contract; the engine keeps its own
 * internals (frames, cursors, pending tasks, timers, variables, PRNG state) under `internal`, which is plain
 * JSON and must survive `JSON.parse(JSON.stringify(state))` unchanged.
 */
export interface ExecutionState {
  status: ExecutionStatus;
  /** Id the next history event will get. */
  nextEventId: number;
  /** Set when status is SUCCEEDED: the execution output as a JSON string. */
  output?: string;
  /** Set when status is FAILED / TIMED_OUT / ABORTED. */
  error?: string;
  cause?: string;
  internal: Json;
}

export interface StepResult {
  state: ExecutionState;
  events: HistoryEvent[];
  commands: Command[];
}
