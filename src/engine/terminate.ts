/** Closing an execution: the terminal history event, status, and cancelling everything still in flight. */
import type { Json } from '../util/json.js';
import { ROOT, type Frame, type FrameResult } from './internal.js';
import type { StepContext } from './step-context.js';

/** The root frame finished: ExecutionSucceeded / ExecutionFailed, chained to the root's last event. */
export function endExecution(ctx: StepContext, f: Frame, result: FrameResult): void {
  if (result.ok) {
    const output = result.text ?? JSON.stringify(result.output);
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

/** Cancel a frame's in-flight task and timers (it is being discarded). */
export function cancelPending(ctx: StepContext, f: Frame): void {
  if (f.timerId && (f.phase === 'wait' || f.phase === 'retry')) ctx.command({ kind: 'CancelTimer', timerId: f.timerId });
  if (f.task && f.phase === 'task') {
    ctx.command({ kind: 'CancelTask', taskId: f.task.taskId });
    for (const timerId of [f.task.timeoutTimer, f.task.heartbeatTimer]) {
      if (timerId) ctx.command({ kind: 'CancelTimer', timerId });
    }
  }
}

function close(ctx: StepContext, terminal: NonNullable<StepContext['terminal']>): void {
  ctx.terminal = terminal;
  if (terminal.status !== 'SUCCEEDED') park(ctx);
  for (const f of ctx.allFrames()) cancelPending(ctx, f);
  if (ctx.st.executionTimer) ctx.command({ kind: 'CancelTimer', timerId: ctx.st.executionTimer });
  delete ctx.st.executionTimer;
  ctx.clearFrames();
  ctx.st.queue = [];
}

/**
 * Keep the top-level frame of an unsuccessful execution for RedriveExecution: the state it stopped in, its input
 * and variables, and for a Parallel/Map the slots that succeeded. Child frames are not kept: a redrive re-runs
 * the failed or aborted branches and iterations from their start (AWS "Redriving executions").
 */
function park(ctx: StepContext): void {
  if (!ctx.hasFrame(ROOT)) return;
  const { task: _t, timerId: _w, result: _r, collect: _c, reentry: _e, failedStateType: _s, agg, redo, ...rest } = ctx.frame(ROOT);
  const parked: Frame = { ...rest, phase: 'enter', attempts: [], retryCount: 0 };
  const kept = agg ?? redo;
  if (kept?.ok) parked.redo = { ...kept, running: 0, closed: false, failures: 0, next: 0 };
  if (parked.redo) delete parked.redo.failure;
  ctx.st.parked = parked;
}
