/** Closing an execution: the terminal history event, status, and cancelling everything still in flight. */
import type { Json } from '../util/json.js';
import type { Frame, FrameResult } from './internal.js';
import type { StepContext } from './step-context.js';

/** The root frame finished: ExecutionSucceeded / ExecutionFailed, chained to the root's last event. */
export function endExecution(ctx: StepContext, f: Frame, result: FrameResult): void {
  if (result.ok) {
    const output = JSON.stringify(result.output);
    ctx.emit(f, 'ExecutionSucceeded', { output, outputDetails: { truncated: false } });
    close(ctx, { status: 'SUCCEEDED', output });
  } else {
    ctx.emit(f, 'ExecutionFailed', errorDetails(result.error, result.cause));
    close(ctx, { status: 'FAILED', ...(result.error ? { error: result.error } : {}), ...(result.cause !== undefined ? { cause: result.cause } : {}) });
  }
}

/** StopExecution: ExecutionAborted, previousEventId 0 (AWS-recorded: `WaitStateEntered(2,0), ExecutionAborted(3,0)`). */
export function abortExecution(ctx: StepContext, error?: string, cause?: string): void {
  ctx.emit(undefined, 'ExecutionAborted', errorDetails(error, cause), { prev: 0 });
  close(ctx, { status: 'ABORTED', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
}

/** The execution's TimeoutSeconds elapsed: ExecutionTimedOut with States.Timeout. */
export function timeOutExecution(ctx: StepContext, prev: number): void {
  ctx.emit(undefined, 'ExecutionTimedOut', { error: 'States.Timeout' }, { prev });
  // DescribeExecution of a timed-out execution carries no error/cause (AWS-recorded).
  close(ctx, { status: 'TIMED_OUT' });
}

function errorDetails(error: string | undefined, cause: string | undefined): Record<string, Json | undefined> {
  return { error: error === '' ? undefined : error, cause };
}

function close(ctx: StepContext, terminal: NonNullable<StepContext['terminal']>): void {
  ctx.terminal = terminal;
  for (const [taskId] of Object.entries(ctx.st.tasks)) ctx.command({ kind: 'CancelTask', taskId });
  for (const [timerId] of Object.entries(ctx.st.timers)) ctx.command({ kind: 'CancelTimer', timerId });
  ctx.st.frames = {};
  ctx.st.queue = [];
  ctx.st.timers = {};
  ctx.st.tasks = {};
}
