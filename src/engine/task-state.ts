/**
 * Task: evaluates the effective input, emits the scheduled event of the resource's family and a DispatchTask
 * command, arms TimeoutSeconds/HeartbeatSeconds timers, and turns the dispatcher's answers (TaskStarted,
 * TaskSubmitted, TaskSucceeded, TaskFailed, TaskHeartbeat) and the timers into history and an outcome.
 */
import { isJsonObject, utf8Length, type Json } from '../util/json.js';
import { StatesError, States } from '../asl/errors.js';
import { lookupScopePath } from '../asl/paths.js';
import { dataScope } from './context.js';
import type { Frame, PendingTask } from './internal.js';
import type { StepContext } from './step-context.js';
import { effectiveInput, evalField, inputPathOnly, jsonataTypeError, stateOutput } from './dataflow.js';
import { PAYLOAD_LIMIT } from './outcome.js';
import { surelyWithin } from './payload-bound.js';
import { classifyResource } from './task-resource.js';
import { nextOf, type CompiledOf, type Handler, type Outcome } from './outcome.js';

/** TimeoutSeconds / HeartbeatSeconds: a number, a `...Path` reference, or a JSONata template. */
async function seconds(
  ctx: StepContext, f: Frame, cs: CompiledOf<'Task'>, field: 'TimeoutSeconds' | 'HeartbeatSeconds', input: Json,
): Promise<number | undefined> {
  const d = cs.def;
  const literal = d[field];
  const path = d[`${field}Path`];
  let v: Json | undefined;
  if (typeof literal === 'string') {
    v = await evalField(ctx, f, cs, literal, field, { input: f.input });
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw jsonataTypeError(literal, field, 'integer', v);
    }
    return v;
  }
  if (typeof literal === 'number') return literal;
  if (path !== undefined) {
    const r = lookupScopePath(path, dataScope(ctx, f, input));
    v = r.ok ? r.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new StatesError(States.Runtime,
        `The ${field}Path parameter does not reference a valid positive integer: ${path}`);
    }
    return v;
  }
  return undefined;
}

/** A deterministic task token: unguessable through the execution's seeded PRNG, reproducible on replay. */
function makeToken(ctx: StepContext, taskId: string): string {
  const r = ctx.rng();
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${hex(r.nextInt(0x7fffffff))}${hex(r.nextInt(0x7fffffff))}${hex(r.nextInt(0x7fffffff))}-${taskId}`;
}

export const taskHandler: Handler<'Task'> = async (ctx, f, cs) => {
  const d = cs.def;
  const info = classifyResource(d.Resource);
  const taskId = ctx.frameId(f, 't');
  const taskToken = info.waitForTaskToken ? makeToken(ctx, taskId) : undefined;
  const raw = f.input;
  const payload = await effectiveInput(ctx, f, cs, raw, taskToken !== undefined ? { taskToken } : {});
  // TimeoutSecondsPath/HeartbeatSecondsPath read the state input (after InputPath), like other reference paths.
  const pathInput = inputPathOnly(ctx, f, cs, raw);
  const timeout = await seconds(ctx, f, cs, 'TimeoutSeconds', pathInput);
  const heartbeat = await seconds(ctx, f, cs, 'HeartbeatSeconds', pathInput);
  const credentials = d.Credentials !== undefined
    ? await evalField(ctx, f, cs, d.Credentials, 'Credentials', { input: raw })
    : undefined;

  const pending: PendingTask = { taskId, family: info.family, resourceType: info.resourceType, resource: info.resource };
  if (info.waitForTaskToken) pending.waitForToken = true;
  // An input passed on unchanged is scheduled in its original text (AWS-recorded: input `0.0` is scheduled as
  // `0.0`; Frame.inputText). Unchanged means: no InputPath/Parameters (JSONPath) or Arguments (JSONata).
  const untouched = cs.ql === 'JSONata' ? d.Arguments === undefined
    : d.Parameters === undefined && (d.InputPath === undefined || d.InputPath === '$');
  const rawText = f.inputText !== undefined && untouched ? f.inputText : undefined;
  // Only the Scheduled event shows the text: quiet (Express) skips it when a bound proves the quota (run.ts).
  const payloadText = rawText ?? (ctx.quiet && surelyWithin(payload, PAYLOAD_LIMIT) ? undefined : JSON.stringify(payload));
  // AWS: "the state's input after Parameters processing is larger than the payload size quota".
  if (payloadText !== undefined && payloadText.length * 3 > PAYLOAD_LIMIT && utf8Length(payloadText) > PAYLOAD_LIMIT) {
    throw new StatesError(States.DataLimitExceeded,
      `The state/task '${f.state}' input after Parameters processing exceeds the maximum number of bytes service limit.`);
  }
  // Credentials.RoleArn shows as taskCredentials{roleArn} in the scheduled event (AWS HistoryEvent model).
  const roleArn = isJsonObject(credentials) && typeof credentials.RoleArn === 'string' ? credentials.RoleArn : undefined;
  const taskCredentials = roleArn !== undefined ? { roleArn } : undefined;
  if (info.family === 'lambda') {
    ctx.emit(f, 'LambdaFunctionScheduled', {
      resource: d.Resource, input: payloadText, inputDetails: { truncated: false }, timeoutInSeconds: timeout, taskCredentials,
    });
  } else if (info.family === 'activity') {
    ctx.emit(f, 'ActivityScheduled', {
      resource: d.Resource, input: payloadText, inputDetails: { truncated: false },
      timeoutInSeconds: timeout, heartbeatInSeconds: heartbeat,
    });
  } else {
    ctx.emit(f, 'TaskScheduled', {
      resourceType: info.resourceType, resource: info.resource, region: ctx.st.meta.region,
      parameters: payloadText, timeoutInSeconds: timeout, heartbeatInSeconds: heartbeat, taskCredentials,
    });
  }
  ctx.command({
    kind: 'DispatchTask', taskId, stateName: f.state, resource: d.Resource, payload,
    ...(rawText !== undefined ? { payloadText: rawText } : {}),
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(heartbeat !== undefined ? { heartbeatSeconds: heartbeat } : {}),
    ...(taskToken !== undefined ? { taskToken } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  });
  if (timeout !== undefined) {
    pending.timeoutTimer = ctx.frameId(f, 'to');
    ctx.command({ kind: 'StartTimer', timerId: pending.timeoutTimer, fireAt: ctx.now + timeout * 1000 });
  }
  if (heartbeat !== undefined) {
    pending.heartbeatSeconds = heartbeat;
    armHeartbeat(ctx, f, pending);
  }
  f.task = pending;
  f.phase = 'task';
  return { kind: 'block' };
};

/** No ResultSelector / ResultPath / OutputPath (JSONPath) or Output (JSONata): the state output is the result. */
function resultUntouched(cs: CompiledOf<'Task'>): boolean {
  const d = cs.def;
  if (cs.ql === 'JSONata') return d.Output === undefined;
  return d.ResultSelector === undefined && (d.ResultPath === undefined || d.ResultPath === '$')
    && (d.OutputPath === undefined || d.OutputPath === '$');
}

function armHeartbeat(ctx: StepContext, f: Frame, t: PendingTask): void {
  if (t.heartbeatTimer) ctx.command({ kind: 'CancelTimer', timerId: t.heartbeatTimer });
  t.heartbeatTimer = ctx.frameId(f, 'hb');
  ctx.command({ kind: 'StartTimer', timerId: t.heartbeatTimer, fireAt: ctx.now + (t.heartbeatSeconds ?? 0) * 1000 });
}

/** Drop the task's bookkeeping and timers (it has finished one way or another). */
function release(ctx: StepContext, f: Frame, t: PendingTask): void {
  for (const timerId of [t.timeoutTimer, t.heartbeatTimer]) {
    if (timerId) ctx.command({ kind: 'CancelTimer', timerId });
  }
  delete f.task;
}

const prefixOf = (t: PendingTask) => (t.family === 'lambda' ? 'LambdaFunction' : t.family === 'activity' ? 'Activity' : 'Task');
const taskIds = (t: PendingTask) => (t.family === 'task' ? { resourceType: t.resourceType, resource: t.resource } : {});

export type TaskSignal =
  | { kind: 'started'; workerName?: string }
  | { kind: 'submitted'; output: Json }
  | { kind: 'heartbeat' }
  | { kind: 'succeeded'; output: Json; outputText?: string }
  | { kind: 'failed'; error: string; cause?: string }
  | { kind: 'timeout'; error: typeof States.Timeout | typeof States.HeartbeatTimeout };

/** Apply one dispatcher answer or timer to a frame in phase 'task'; returns an outcome when the state is done. */
export async function taskSignal(ctx: StepContext, f: Frame, cs: CompiledOf<'Task'>, s: TaskSignal): Promise<Outcome> {
  const t = f.task!;
  const p = prefixOf(t);
  switch (s.kind) {
    case 'started':
      // ActivityStarted carries activityStartedEventDetails{workerName} when the worker named itself (AWS).
      if (t.family === 'activity') ctx.emit(f, 'ActivityStarted', s.workerName !== undefined ? { workerName: s.workerName } : undefined);
      else ctx.emit(f, `${p}Started`, t.family === 'lambda' ? undefined : taskIds(t));
      return { kind: 'block' };
    case 'heartbeat':
      if (t.heartbeatSeconds !== undefined) armHeartbeat(ctx, f, t);
      return { kind: 'block' };
    case 'submitted':
      t.submitted = true;
      ctx.emit(f, 'TaskSubmitted', { ...taskIds(t), output: JSON.stringify(s.output), outputDetails: { truncated: false } });
      return { kind: 'block' };
    case 'succeeded': {
      const canonical = JSON.stringify(s.output);
      const raw = s.outputText !== undefined && s.outputText !== canonical ? s.outputText : undefined;
      ctx.emit(f, `${p}Succeeded`, { ...taskIds(t), output: raw ?? canonical, outputDetails: { truncated: false } });
      release(ctx, f, t);
      const out = await stateOutput(ctx, f, cs, f.input, s.output, { resultStage: true });
      // The result passed on untouched keeps its text (Frame.inputText).
      const text = raw !== undefined && resultUntouched(cs) ? { text: raw } : {};
      return { kind: 'next', next: nextOf(cs.def), ...out, ...text };
    }
    case 'failed':
      ctx.emit(f, `${p}Failed`, { ...taskIds(t), error: s.error, cause: s.cause });
      release(ctx, f, t);
      return s.cause === undefined ? { kind: 'fail', error: s.error } : { kind: 'fail', error: s.error, cause: s.cause };
    case 'timeout':
      ctx.emit(f, `${p}TimedOut`, { ...taskIds(t), error: s.error });
      ctx.command({ kind: 'CancelTask', taskId: t.taskId });
      release(ctx, f, t);
      return { kind: 'fail', error: s.error };
  }
}
