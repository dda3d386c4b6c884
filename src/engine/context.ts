/**
 * Evaluation scopes for one state: the Context object (`$$` / `$states.context`), the JSONPath DataScope and
 * the JSONata bindings. The Context object is built lazily: most states never read it, and building it for
 * each of 10,000 Map iterations would dominate the step.
 */
import { isJsonObject, type Json } from '../util/json.js';
import { formatTimestamp } from '../util/time.js';
import { buildContext } from '../asl/context-object.js';
import type { DataScope } from '../asl/payload-template.js';
import type { HashFn } from '../asl/paths.js';
import type { Prng } from '../asl/prng.js';
import type { JsonataBindings } from '../asl/jsonata.js';
import type { Frame } from './internal.js';
import type { StepContext } from './step-context.js';

/** The Context object for the frame's current state. */
export function contextObject(ctx: StepContext, f: Frame, taskToken?: string): Json {
  const info: Parameters<typeof buildContext>[1] = {
    stateName: f.state,
    enteredTime: formatTimestamp(f.enteredAt),
    retryCount: f.retryCount,
    input: ctx.st.input,
  };
  if (taskToken !== undefined) info.taskToken = taskToken;
  if (f.mapItem) info.mapItem = f.mapItem;
  let built = buildContext(ctx.st.meta, info);
  // Express executions cannot be redriven: AWS shows no `$$.Execution.RedriveCount` there (AWS-recorded).
  const exec = built.Execution;
  if (ctx.st.meta.type === 'EXPRESS' && isJsonObject(exec) && 'RedriveCount' in exec) {
    const { RedriveCount: _r, ...rest } = exec;
    built = { ...built, Execution: rest };
  }
  // AWS shows `$$.State.RetryCount` only in states that can retry (Task, Parallel, Map).
  const type = ctx.program.machines[f.machine]?.states[f.state]?.def.Type;
  const st = built.State;
  if (type !== 'Task' && type !== 'Parallel' && type !== 'Map' && isJsonObject(st) && 'RetryCount' in st) {
    const { RetryCount: _drop, ...rest } = st;
    return { ...built, State: rest };
  }
  return built;
}

/**
 * JSONPath scope: `$` = input, `$$` = context (lazy), `$name` = variables. A class so that building one per
 * state costs one small object: the Context object and the PRNG are produced only when a path or an
 * intrinsic reads them.
 */
class StateScope implements DataScope {
  readonly variables: Record<string, Json>;
  private cached: Json | undefined;

  constructor(
    private readonly ctx: StepContext, private readonly f: Frame, readonly input: Json,
    private readonly taskToken: string | undefined,
  ) {
    this.variables = f.vars;
  }

  get context(): Json {
    this.cached ??= contextObject(this.ctx, this.f, this.taskToken);
    return this.cached;
  }

  get rng(): Prng {
    return this.ctx.rng();
  }

  get hash(): HashFn | undefined {
    return this.ctx.deps.hash;
  }
}

export function dataScope(ctx: StepContext, f: Frame, input: Json, taskToken?: string): DataScope {
  return new StateScope(ctx, f, input, taskToken);
}

/** JSONata bindings: `$states.{input,result,errorOutput,context}` and the variables. */
export function jsonataBindings(
  ctx: StepContext, f: Frame, input: Json, extra: { result?: Json; errorOutput?: Json; taskToken?: string } = {},
): JsonataBindings {
  let cached: Json | undefined;
  const states: JsonataBindings['states'] = {
    input,
    get context(): Json {
      cached ??= contextObject(ctx, f, extra.taskToken);
      return cached;
    },
  };
  if (extra.result !== undefined) states.result = extra.result;
  if (extra.errorOutput !== undefined) states.errorOutput = extra.errorOutput;
  const b: JsonataBindings = { states, variables: f.vars, now: ctx.now };
  if (ctx.deps.hash) b.hash = ctx.deps.hash;
  return b;
}
