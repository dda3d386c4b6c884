/**
 * Errors at the state boundary: turning a thrown value into `{ error, cause }` (with AWS's
 * "An error occurred while executing the state ..." prefix), Retry (back-off timers, jitter) and Catch
 * (ASL spec "Error Handling"; AWS "Handling errors in Step Functions workflows").
 */
import type { JsonObject } from '../util/json.js';
import { StatesError, States } from '../asl/errors.js';
import type { Catcher, Retrier } from '../asl/types.js';
import type { Frame } from './internal.js';
import type { StepContext } from './step-context.js';

export interface ErrorInfo {
  error: string;
  cause?: string;
  /** JSONata evaluation failures carry the field (`Output/x`), reported in an EvaluationFailed event. */
  location?: string;
}

const PREFIXED: ReadonlySet<string> = new Set([States.Runtime, States.QueryEvaluationError, States.IntrinsicFailure]);

/** Normalise anything thrown while a state evaluates. */
export function toErrorInfo(f: Frame, e: unknown): ErrorInfo {
  if (!(e instanceof StatesError)) {
    const msg = e instanceof Error ? e.message : String(e);
    return { error: States.Runtime, cause: prefix(f, msg) };
  }
  const info: ErrorInfo = { error: e.error };
  if (e.cause !== undefined) info.cause = PREFIXED.has(e.error) ? prefix(f, e.cause) : e.cause;
  if (e.error === States.QueryEvaluationError) {
    const m = /specified for the field '([^']*)'/.exec(e.cause ?? '');
    if (m?.[1] !== undefined) info.location = m[1];
  }
  return info;
}

function prefix(f: Frame, msg: string): string {
  if (msg.startsWith('An error occurred while executing the state')) return msg;
  return `An error occurred while executing the state '${f.state}' (entered at the event id #${f.enteredId}). ${msg}`;
}

/**
 * Does an ErrorEquals list match? `States.ALL` matches everything except `States.Runtime` (AWS docs also
 * exclude States.DataLimitExceeded, but AWS-recorded: a Catch on States.ALL does catch a Lambda result over
 * the size limit, so it is matched here); `States.TaskFailed` matches everything except `States.Timeout` (AWS docs, "Error
 * names"). `States.Runtime` is never caught or retried, even by name (AWS-recorded: a Catch on States.Runtime
 * does not catch an OutputPath failure).
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === States.Runtime) return false;
  if (errorEquals.includes(error)) return true;
  if (errorEquals.includes(States.ALL)) return true;
  return errorEquals.includes(States.TaskFailed) && error !== States.Timeout;
}

/**
 * Retry: the first retrier whose ErrorEquals matches decides. Returns the back-off in milliseconds, or undefined
 * when no retrier matches or its MaxAttempts (default 3; 0 = never) are used up.
 */
export function retryDelay(ctx: StepContext, f: Frame, retriers: readonly Retrier[] | undefined, error: string): number | undefined {
  if (!retriers) return undefined;
  const i = retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
  const r = retriers[i];
  if (!r) return undefined;
  const used = f.attempts[i] ?? 0;
  if (used >= (r.MaxAttempts ?? 3)) return undefined;
  // Copy-on-write: the array may be shared with the state this step was given (StepContext.frame).
  const attempts = f.attempts.slice();
  while (attempts.length <= i) attempts.push(0);
  attempts[i] = used + 1;
  f.attempts = attempts;
  let seconds = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** used;
  if (r.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, r.MaxDelaySeconds);
  if (r.JitterStrategy === 'FULL') seconds = ctx.rng().nextDouble() * seconds;
  return Math.round(seconds * 1000);
}

/** The first catcher matching the error. */
export function findCatcher(catchers: readonly Catcher[] | undefined, error: string): Catcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error));
}

/** The error output a catcher sees: `{ Error, Cause }` (Cause is "" when the error has none, as AWS records). */
export function errorOutput(info: ErrorInfo): JsonObject {
  return { Error: info.error, Cause: info.cause ?? '' };
}
