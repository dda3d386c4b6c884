/**
 * The per-state pipeline: Entered → handler → (Retry | Catch | Exited) → next, for every runnable frame.
 * Frames run in queue order, each until it blocks (task, timer, children) or finishes; a finished child frame
 * hands its result to its Parallel/Map parent (children.ts).
 */
import { utf8Length, type Json } from '../util/json.js';
import { States } from '../asl/errors.js';
import type { StateType } from '../asl/types.js';
import { ROOT, type Frame, type FrameResult } from './internal.js';
import { stateAt, type CompiledState } from './program.js';
import type { StepContext } from './step-context.js';
import { PAYLOAD_LIMIT, type CompiledOf, type Handler, type Outcome } from './outcome.js';
import { choiceHandler, failHandler, passHandler, succeedHandler } from './simple-states.js';
import { waitHandler } from './wait-state.js';
import { taskHandler } from './task-state.js';
import { mapHandler, parallelHandler, childFinished, collect } from './children.js';
import { assignedDetails, catcherOutput, commitAssign } from './dataflow.js';
import { errorOutput, findCatcher, retryDelay, toErrorInfo, type ErrorInfo } from './failure.js';
import { endExecution } from './terminate.js';
import { surelyWithin } from './payload-bound.js';

const handlers: { [T in StateType]: Handler<T> } = {
  Pass: passHandler,
  Succeed: succeedHandler,
  Fail: failHandler,
  Choice: choiceHandler,
  Wait: waitHandler,
  Task: taskHandler,
  Parallel: parallelHandler,
  Map: mapHandler,
};

function runHandler(ctx: StepContext, f: Frame, cs: CompiledState): Outcome | Promise<Outcome> {
  return (handlers[cs.def.Type] as Handler<StateType>)(ctx, f, cs as CompiledOf<StateType>);
}

const collectHandler = (ctx: StepContext, f: Frame, cs: CompiledState) => collect(ctx, f, cs as CompiledOf<'Map'>);

/** `${Type}StateEntered` / `${Type}StateExited`, built once rather than per state. */
const ENTERED = eventNames('Entered');
const EXITED = eventNames('Exited');

function eventNames(suffix: string): Record<StateType, string> {
  const types = Object.keys(handlers) as StateType[];
  return Object.fromEntries(types.map((t) => [t, `${t}State${suffix}`])) as Record<StateType, string>;
}

/**
 * Run every runnable frame until all are blocked or the execution ended. Synchronous until a state evaluates
 * JSONata (the only asynchronous evaluation): it returns a promise only then, so a JSONPath state costs no
 * promise/microtask hop (same order of events either way: one frame runs at a time).
 */
export function drain(ctx: StepContext): Promise<void> | undefined {
  while (ctx.st.queue.length > 0) {
    const pending = advance(ctx, ctx.st.queue.shift()!);
    if (pending) return pending.then(() => drain(ctx));
  }
  return undefined;
}

/** Run one frame until it blocks or finishes; a promise when it has to wait for an evaluation. */
function advance(ctx: StepContext, id: string, prior?: CompiledState): Promise<void> | undefined {
  // `prior`: the state just left; its `next` is usually the one entered. The frame is looked up once: it stays
  // this (owned) object while it exists, and only finishing (phase 'done', which ends the loop) removes it.
  const f = ctx.frameIfAny(id);
  if (f === undefined) return undefined;
  for (;;) {
    let cs: CompiledState, outcome: Outcome | Promise<Outcome>;
    if (f.collect && f.phase === 'children') {
      cs = stateAt(ctx.program, f.machine, f.state);
      outcome = guarded(ctx, f, cs, collectHandler);
    } else {
      if (f.phase !== 'enter') return undefined;
      const hint = prior?.next;
      cs = hint !== undefined && hint.name === f.state ? hint : stateAt(ctx.program, f.machine, f.state);
      if (f.reentry) {
        delete f.reentry;
      } else {
        f.enteredPrev = f.prev;
        f.enteredAt = ctx.now;
        f.enteredId = ctx.quiet ? ctx.emit(f, ENTERED[cs.def.Type]) : ctx.emit(f, ENTERED[cs.def.Type], {
          name: f.state, input: f.inputText ?? ctx.textOf(f.input), inputDetails: { truncated: false },
        });
      }
      outcome = guarded(ctx, f, cs, runHandler);
    }
    if (outcome instanceof Promise) {
      const state = cs;
      return outcome.then((o) => settle(ctx, f, state, o)).then(() => advance(ctx, id));
    }
    const pending = settle(ctx, f, cs, outcome);
    if (pending) return pending.then(() => advance(ctx, id));
    prior = cs;
  }
}

/** Run a handler; an evaluation error (thrown, or a rejected promise) becomes the state's failure. */
function guarded(
  ctx: StepContext, f: Frame, cs: CompiledState, run: (ctx: StepContext, f: Frame, cs: CompiledState) => Outcome | Promise<Outcome>,
): Outcome | Promise<Outcome> {
  try {
    const r = run(ctx, f, cs);
    return r instanceof Promise ? r.catch((e: unknown) => failedWith(ctx, f, toErrorInfo(f, e))) : r;
  } catch (e) {
    return failedWith(ctx, f, toErrorInfo(f, e));
  }
}

/** A failure during evaluation; JSONata failures are reported in an EvaluationFailed event first (AWS). */
export function failedWith(ctx: StepContext, f: Frame, info: ErrorInfo): Outcome {
  if (info.location !== undefined) {
    ctx.emit(f, 'EvaluationFailed', { error: info.error, cause: info.cause, location: info.location, state: f.state },
      { prev: f.enteredPrev });
  }
  return info.cause === undefined ? { kind: 'fail', error: info.error } : { kind: 'fail', error: info.error, cause: info.cause };
}

/** Apply a handler's outcome to the frame: exit + transition, retry, catch, or finish. */
export function settle(ctx: StepContext, f: Frame, cs: CompiledState, outcome: Outcome): Promise<void> | undefined {
  switch (outcome.kind) {
    case 'block':
      return undefined;
    case 'terminal':
      finish(ctx, f, failure({ error: outcome.error ?? '', cause: outcome.cause }), true);
      return undefined;
    case 'next': {
      const raw = rawTextOf(f, outcome);
      // Quiet (Express): no event shows the text, so it is built only when a cheap bound cannot prove the quota.
      const text = raw ?? (ctx.quiet && surelyWithin(outcome.output, PAYLOAD_LIMIT) ? undefined : JSON.stringify(outcome.output));
      // UTF-8 takes at most 3 bytes per UTF-16 unit, so short texts need no byte count.
      if (text !== undefined && text.length * 3 > PAYLOAD_LIMIT && utf8Length(text) > PAYLOAD_LIMIT) {
        return settle(ctx, f, cs, {
          kind: 'fail', error: States.DataLimitExceeded,
          cause: `The state/task '${f.state}' returned a result with a size exceeding the maximum number of bytes service limit.`,
        });
      }
      commitAssign(f, outcome.assigned);
      if (text === undefined) ctx.emit(f, EXITED[cs.def.Type]);
      else exited(ctx, f, EXITED[cs.def.Type], text, outcome.assigned);
      if (outcome.next === undefined) {
        // The top level's text is the execution output: serialised once (a child's text would mark it as raw).
        const known = raw ?? (f.parent === undefined ? text : undefined);
        finish(ctx, f, known === undefined ? { ok: true, output: outcome.output } : { ok: true, output: outcome.output, text: known }, false);
      } else {
        transition(f, outcome.next, outcome.output);
        if (raw !== undefined) f.inputText = raw;
        else if (text !== undefined) ctx.rememberText(outcome.output, text);
      }
      return undefined;
    }
    case 'fail':
      return handleError(ctx, f, cs, { error: outcome.error, ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}) });
  }
}

/** *StateExited with the output text and the variables assigned (quiet: only its id is taken, see emit). */
function exited(ctx: StepContext, f: Frame, type: string, output: string, assigned: Record<string, Json> | undefined): void {
  const assignedVariables = ctx.quiet ? undefined : assignedDetails(assigned);
  ctx.emit(f, type, assignedVariables
    ? { name: f.state, output, outputDetails: { truncated: false }, assignedVariables, assignedVariablesDetails: { truncated: false } }
    : { name: f.state, output, outputDetails: { truncated: false } });
}

/**
 * The original text of a state's output (Frame.inputText): given by the handler, or the input's own text when
 * the state passed its input object through unchanged (same reference). Primitives never inherit the text:
 * equal numbers are indistinguishable by reference, and AWS re-serialises values it computes.
 */
function rawTextOf(f: Frame, outcome: Extract<Outcome, { kind: 'next' }>): string | undefined {
  if (outcome.text !== undefined) return outcome.text;
  const out = outcome.output;
  return f.inputText !== undefined && out === f.input && typeof out === 'object' && out !== null ? f.inputText : undefined;
}

/** Move the frame to its next state. */
export function transition(f: Frame, next: string, input: Json): void {
  f.state = next;
  f.input = input;
  // Deleting a missing key still costs a lookup and can turn the frame into a slow dictionary object.
  if ('inputText' in f) delete f.inputText;
  if ('redo' in f) delete f.redo;
  f.phase = 'enter';
  if (f.attempts.length > 0) f.attempts = [];
  f.retryCount = 0;
  if ('task' in f) delete f.task;
  if ('timerId' in f) delete f.timerId;
  if ('agg' in f) delete f.agg;
}

/** Retry (a back-off timer), else Catch (Exited with the catcher's output, then its Next), else fail the frame. */
function handleError(ctx: StepContext, f: Frame, cs: CompiledState, info: ErrorInfo): Promise<void> | undefined {
  const def = cs.def;
  if (def.Type === 'Task' || def.Type === 'Parallel' || def.Type === 'Map') {
    const delay = retryDelay(ctx, f, def.Retry, info.error);
    if (delay !== undefined) {
      const timerId = ctx.frameId(f, 'r');
      f.phase = 'retry';
      f.timerId = timerId;
      f.retryCount += 1;
      ctx.command({ kind: 'StartTimer', timerId, fireAt: ctx.now + delay });
      return undefined;
    }
    if (def.Type !== 'Task') ctx.emit(f, `${def.Type}StateFailed`);
    const catcher = findCatcher(def.Catch, info.error);
    if (catcher) return caught(ctx, f, cs, info, catcher);
  }
  // A state that raised an uncaught error is recorded as aborted when its branch fails (AWS-recorded for
  // Task states inside a Parallel: TaskFailed, then TaskStateAborted).
  finish(ctx, f, failure(info), def.Type);
  return undefined;
}

/** Catch: the catcher's output becomes the state's output, then its Next. */
async function caught(
  ctx: StepContext, f: Frame, cs: CompiledState, info: ErrorInfo, catcher: NonNullable<ReturnType<typeof findCatcher>>,
): Promise<void> {
  let out;
  try {
    out = await catcherOutput(ctx, f, cs, f.input, errorOutput(info), catcher);
  } catch (e) {
    finish(ctx, f, failure(toErrorInfo(f, e)), true);
    return;
  }
  await settle(ctx, f, cs, { kind: 'next', next: catcher.Next, output: out.output, ...(out.assigned ? { assigned: out.assigned } : {}) });
}

function failure(info: { error: string; cause?: string | undefined }): FrameResult {
  return info.cause === undefined ? { ok: false, error: info.error } : { ok: false, error: info.error, cause: info.cause };
}

/** A retry back-off elapsed: run the state's handler again, without a new *StateEntered. */
export function retryElapsed(ctx: StepContext, f: Frame): void {
  delete f.timerId;
  f.phase = 'enter';
  f.reentry = true;
  ctx.enqueue(f.id);
}

/** The frame is done: the root ends the execution, a child reports to its Parallel/Map parent. */
export function finish(ctx: StepContext, f: Frame, result: FrameResult, failedStateType?: string | boolean): void {
  f.phase = 'done';
  f.result = result;
  if (typeof failedStateType === 'string') f.failedStateType = failedStateType;
  if (f.id === ROOT || f.parent === undefined) {
    endExecution(ctx, f, result);
    return;
  }
  childFinished(ctx, f);
}

