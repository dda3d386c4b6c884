/**
 * step(): one engine input → new state, history events, commands. Pure and deterministic: the clock arrives as
 * `input.now`, randomness from the PRNG kept in the state. The given state is never mutated (step-context.ts).
 */
import type { EngineInput, ExecutionState, StepResult } from './contract.js';
import type { Frame, Internal } from './internal.js';
import { EXECUTION_TIMER, ROOT, frameOfId } from './internal.js';
import type { Program } from './program.js';
import { stateAt } from './program.js';
import { StepContext, type EngineDeps } from './step-context.js';
import { drain, failedWith, retryElapsed, settle } from './run.js';
import { createPrng } from '../asl/prng.js';
import { taskSignal, type TaskSignal } from './task-state.js';
import { waitElapsed } from './wait-state.js';
import { collect } from './children.js';
import { abortExecution, timeOutExecution } from './terminate.js';
import { toErrorInfo } from './failure.js';
import type { CompiledOf, Outcome } from './outcome.js';

export type { EngineDeps };

function start(program: Program, input: Extract<EngineInput, { kind: 'Start' }>, deps: EngineDeps): StepContext {
  const internal: Internal = {
    meta: input.meta, input: input.input, rng: createPrng(input.seed).state(), seq: 0,
    frames: {}, queue: [],
  };
  const ctx = new StepContext(program, internal, 1, input.now, deps);
  // AWS shows the input exactly as sent (spacing, `0.0`): the text, when the service passed it on.
  const canonical = JSON.stringify(input.input);
  const rawText = input.inputText !== undefined && input.inputText !== canonical ? input.inputText : undefined;
  ctx.emit(undefined, 'ExecutionStarted', {
    input: rawText ?? canonical, inputDetails: { truncated: false }, roleArn: input.meta.roleArn,
    stateMachineAliasArn: input.meta.stateMachineAliasArn, stateMachineVersionArn: input.meta.stateMachineVersionArn,
  });
  const root: Frame = {
    id: ROOT, machine: program.root.path, state: program.root.startAt, phase: 'enter', input: input.input,
    prev: 0, enteredId: 0, enteredAt: input.now, enteredPrev: 0, vars: {}, attempts: [], retryCount: 0,
  };
  if (rawText !== undefined) root.inputText = rawText;
  ctx.addFrame(root);
  ctx.enqueue(ROOT);
  if (program.timeoutSeconds !== undefined) {
    const timerId = EXECUTION_TIMER;
    internal.executionTimer = timerId;
    ctx.command({ kind: 'StartTimer', timerId, fireAt: input.now + program.timeoutSeconds * 1000 });
  }
  return ctx;
}

/** Can RedriveExecution restart this execution (it ended unsuccessfully and its failed frame was kept)? */
export function isRedrivable(state: ExecutionState): boolean {
  return state.status !== 'RUNNING' && state.status !== 'SUCCEEDED'
    && (state.internal as unknown as Internal | null)?.parked !== undefined;
}

/**
 * RedriveExecution: ExecutionRedriven{redriveCount} (linked to the closing event), then the top-level frame
 * re-enters the state it stopped in with the same input and variables, retry counters reset, and the execution
 * timeout re-armed. `$$.Execution.RedriveCount` counts the redrives.
 */
function redrive(ctx: StepContext, program: Program): void {
  const parked = ctx.st.parked!;
  delete ctx.st.parked;
  const redriveCount = (ctx.st.meta.redriveCount ?? 0) + 1;
  ctx.st.meta = { ...ctx.st.meta, redriveCount };
  const id = ctx.emit(undefined, 'ExecutionRedriven', { redriveCount }, { prev: ctx.nextEventId - 1 });
  ctx.addFrame({ ...parked, prev: id, enteredPrev: id });
  ctx.st.queue = [ROOT];
  if (program.timeoutSeconds !== undefined) {
    ctx.st.executionTimer = EXECUTION_TIMER;
    ctx.command({ kind: 'StartTimer', timerId: EXECUTION_TIMER, fireAt: ctx.now + program.timeoutSeconds * 1000 });
  }
}

/** Advance the execution by one input. `state` is undefined exactly for `Start`. */
export async function step(
  program: Program, state: ExecutionState | undefined, input: EngineInput, deps: EngineDeps = {},
): Promise<StepResult> {
  let ctx: StepContext;
  if (input.kind === 'Start') {
    if (state) throw new Error('engine: Start on an existing execution');
    ctx = start(program, input, deps);
  } else if (input.kind === 'Redrive') {
    if (!state) throw new Error('engine: Redrive before Start');
    if (!isRedrivable(state)) return { state, events: [], commands: [] };
    ctx = StepContext.draft(program, state.internal as unknown as Internal, state.nextEventId, input, deps);
    redrive(ctx, program);
  } else {
    if (!state) throw new Error(`engine: ${input.kind} before Start`);
    if (state.status !== 'RUNNING') return { state, events: [], commands: [] };
    ctx = StepContext.draft(program, state.internal as unknown as Internal, state.nextEventId, input, deps);
    await apply(ctx, input);
  }
  if (!ctx.terminal) {
    const pending = drain(ctx);
    if (pending) await pending;
  }
  ctx.flushRng();
  const next: ExecutionState = {
    status: ctx.terminal?.status ?? 'RUNNING',
    nextEventId: ctx.nextEventId,
    internal: ctx.st as unknown as ExecutionState['internal'],
  };
  if (ctx.terminal?.output !== undefined) next.output = ctx.terminal.output;
  if (ctx.terminal?.error !== undefined) next.error = ctx.terminal.error;
  if (ctx.terminal?.cause !== undefined) next.cause = ctx.terminal.cause;
  return { state: next, events: ctx.events, commands: ctx.commands };
}

/** Route a non-Start input to the frame it concerns. Unknown or stale task/timer ids are ignored. */
async function apply(ctx: StepContext, input: Exclude<EngineInput, { kind: 'Start' }>): Promise<void> {
  switch (input.kind) {
    case 'Stop':
      abortExecution(ctx, input.error, input.cause);
      return;
    case 'TimerFired':
      return timerFired(ctx, input.timerId);
    case 'TaskStarted':
      return toTask(ctx, input.taskId, input.workerName !== undefined ? { kind: 'started', workerName: input.workerName } : { kind: 'started' });
    case 'TaskSubmitted':
      return toTask(ctx, input.taskId, { kind: 'submitted', output: input.output });
    case 'TaskHeartbeat':
      return toTask(ctx, input.taskId, { kind: 'heartbeat' });
    case 'TaskSucceeded':
      return toTask(ctx, input.taskId, {
        kind: 'succeeded', output: input.output, ...(input.outputText !== undefined ? { outputText: input.outputText } : {}),
      });
    case 'TaskFailed':
      return toTask(ctx, input.taskId, {
        kind: 'failed', error: input.error, ...(input.cause !== undefined ? { cause: input.cause } : {}),
      });
  }
}

async function toTask(ctx: StepContext, taskId: string, signal: TaskSignal): Promise<void> {
  const frameId = frameOfId(taskId);
  if (!ctx.hasFrame(frameId)) return;
  const f = ctx.frame(frameId);
  if (f.phase !== 'task' || f.task?.taskId !== taskId) return;
  const cs = stateAt(ctx.program, f.machine, f.state) as CompiledOf<'Task'>;
  await resume(ctx, f, () => taskSignal(ctx, f, cs, signal));
}

async function timerFired(ctx: StepContext, timerId: string): Promise<void> {
  if (timerId === ctx.st.executionTimer) {
    delete ctx.st.executionTimer;
    timeOutExecution(ctx, ctx.nextEventId - 1);
    return;
  }
  const frameId = frameOfId(timerId);
  if (!ctx.hasFrame(frameId)) return;
  const f = ctx.frame(frameId);
  const cs = stateAt(ctx.program, f.machine, f.state);
  if (f.timerId === timerId && f.phase === 'wait') {
    await resume(ctx, f, () => waitElapsed(ctx, f, cs as CompiledOf<'Wait'>));
  } else if (f.timerId === timerId && f.phase === 'retry') {
    retryElapsed(ctx, f);
  } else if (f.phase === 'task' && f.task && (f.task.timeoutTimer === timerId || f.task.heartbeatTimer === timerId)) {
    const timeout = f.task.timeoutTimer === timerId;
    if (timeout) delete f.task.timeoutTimer;
    else delete f.task.heartbeatTimer;
    const error = timeout ? 'States.Timeout' : 'States.HeartbeatTimeout';
    await resume(ctx, f, () => taskSignal(ctx, f, cs as CompiledOf<'Task'>, { kind: 'timeout', error }));
  }
}

/** Run a resumption of a blocked frame and settle its outcome, catching evaluation errors like `advance`. */
async function resume(ctx: StepContext, f: Frame, fn: () => Outcome | Promise<Outcome>): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await fn();
  } catch (e) {
    outcome = failedWith(ctx, f, toErrorInfo(f, e));
  }
  await settle(ctx, f, stateAt(ctx.program, f.machine, f.state), outcome);
  if (f.phase === 'enter') ctx.enqueue(f.id);
}

export { collect };
