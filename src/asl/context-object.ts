/**
 * The Context object (`$$` in JSONPath, `$states.context` in JSONata), AWS docs "Accessing execution data from
 * the Context object". Member order follows AWS's recording (`InputPath: "$$"` on a Pass state):
 * `{ Execution: { Id, Input, StartTime, Name, RoleArn, RedriveCount }, StateMachine: { Id, Name },
 *    State: { Name, EnteredTime } }`. `State.RetryCount` appears for states that retry (Task, Parallel, Map),
 * `Task.Token` for `.waitForTaskToken` tasks, `Map.Item` inside a Map iteration.
 */
import type { Json, JsonObject } from '../util/json.js';
import type { ExecutionMeta } from '../engine/contract.js';

/** Per-state facts the Context object shows. */
export interface ContextStateInfo {
  stateName: string;
  /** ISO-8601 time the state was entered. */
  enteredTime: string;
  /** Set for states with Retry support (Task, Parallel, Map); omitted otherwise, as AWS does for Pass. */
  retryCount?: number;
  /** The execution input as received (`$$.Execution.Input`). */
  input: Json;
  taskToken?: string;
  /** Inside a Map iteration: the item index and value (and key when iterating an object's members). */
  mapItem?: { index: number; value: Json; key?: string };
}

/** Builds the Context object for one state. */
export function buildContext(meta: ExecutionMeta, state: ContextStateInfo): JsonObject {
  const ctx: JsonObject = {
    Execution: {
      Id: meta.executionArn,
      Input: state.input,
      StartTime: meta.startTime,
      Name: meta.executionName,
      RoleArn: meta.roleArn,
      RedriveCount: meta.redriveCount ?? 0,
    },
    StateMachine: { Id: meta.stateMachineArn, Name: meta.stateMachineName },
    State: stateMember(state),
  };
  if (state.taskToken !== undefined) ctx.Task = { Token: state.taskToken };
  if (state.mapItem) ctx.Map = { Item: mapItem(state.mapItem) };
  return ctx;
}

function stateMember(state: ContextStateInfo): JsonObject {
  const s: JsonObject = { Name: state.stateName, EnteredTime: state.enteredTime };
  if (state.retryCount !== undefined) s.RetryCount = state.retryCount;
  return s;
}

function mapItem(item: { index: number; value: Json; key?: string }): JsonObject {
  const out: JsonObject = { Index: item.index, Value: item.value };
  if (item.key !== undefined) out.Key = item.key;
  return out;
}

/** A copy of the context with a different State member (cheap per-state update of a shared execution part). */
export function withState(ctx: JsonObject, state: ContextStateInfo): JsonObject {
  const out: JsonObject = { Execution: ctx.Execution ?? null, StateMachine: ctx.StateMachine ?? null, State: stateMember(state) };
  if (state.taskToken !== undefined) out.Task = { Token: state.taskToken };
  if (state.mapItem) out.Map = { Item: mapItem(state.mapItem) };
  return out;
}
