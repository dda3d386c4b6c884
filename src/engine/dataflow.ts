/**
 * Input and output processing of one state, in both query languages (ASL spec "Input and Output Processing";
 * AWS "Transforming data with JSONata"). JSONPath: InputPath → Parameters → (handler) → ResultSelector →
 * ResultPath → OutputPath, plus Assign. JSONata: Arguments → (handler) → Output, plus Assign; `$states.input`
 * is always the state's raw input.
 */
import type { Json, JsonObject } from '../util/json.js';
import { StatesError, States } from '../asl/errors.js';
import { applyInputPath, applyOutputPath, applyResultPath, invalidPathCause, lookupScopePath } from '../asl/paths.js';
import { applyPayloadTemplate } from '../asl/payload-template.js';
import { evaluateJsonataTemplate, isJsonataTemplate, jsonataTemplateExpression, jsonataTypeCause } from '../asl/jsonata.js';
import type { Frame } from './internal.js';
import type { CompiledState } from './program.js';
import type { StepContext } from './step-context.js';
import { dataScope, jsonataBindings } from './context.js';

/** Fields a state may carry; the handlers pass their own state definition. */
interface Fields {
  InputPath?: string | null;
  OutputPath?: string | null;
  Parameters?: JsonObject;
  Arguments?: JsonObject | string;
  ResultSelector?: JsonObject | string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: JsonObject;
}

const fieldsOf = (cs: CompiledState): Fields => cs.def as Fields;

/** Evaluate one field value in the state's query language (JSONata template, or JSONPath payload template). */
export async function evalField(
  ctx: StepContext, f: Frame, cs: CompiledState, value: Json, field: string,
  scope: { input: Json; result?: Json; errorOutput?: Json; taskToken?: string },
): Promise<Json> {
  if (cs.ql === 'JSONata') {
    return evaluateJsonataTemplate(value, jsonataBindings(ctx, f, scope.input, scope), ctx.rng(), field);
  }
  return applyPayloadTemplate(value, dataScope(ctx, f, scope.result ?? scope.input, scope.taskToken));
}

/**
 * The state's effective input: JSONPath InputPath + Parameters; JSONata Arguments (default: the raw input).
 * `templateField` is the template to apply ('Parameters' for Task/Parallel/Pass; Map uses ItemSelector itself).
 */
export function effectiveInput(
  ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, opts: { params?: boolean; taskToken?: string } = {},
): Json | Promise<Json> {
  const d = fieldsOf(cs);
  const withParams = opts.params ?? true;
  if (cs.ql === 'JSONata') {
    if (withParams && d.Arguments !== undefined) {
      return evalField(ctx, f, cs, d.Arguments as Json, 'Arguments', { input: raw, taskToken: opts.taskToken });
    }
    return raw;
  }
  return effectiveInputPath(ctx, f, cs, raw, withParams, opts.taskToken);
}

/**
 * JSONPath InputPath + Parameters, synchronously: only JSONata evaluation is asynchronous, so JSONPath states
 * take no promise hop per state (the per-state loop in run.ts awaits only when it is given a promise).
 */
export function effectiveInputPath(
  ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, withParams = true, taskToken?: string,
): Json {
  const d = fieldsOf(cs);
  const selected = selectInput(ctx, f, d.InputPath, raw);
  if (withParams && d.Parameters !== undefined) {
    return applyPayloadTemplate(d.Parameters, dataScope(ctx, f, selected, taskToken));
  }
  return selected;
}

/** JSONPath InputPath only (Choice/Wait/Succeed/Map input). */
export function inputPathOnly(ctx: StepContext, f: Frame, cs: CompiledState, raw: Json): Json {
  return cs.ql === 'JSONata' ? raw : selectInput(ctx, f, fieldsOf(cs).InputPath, raw);
}

/** A path on the Context object (`$$...`) or a variable (`$name...`) rather than on the data. */
export function isScopePath(path: string): boolean {
  return path.startsWith('$') && !/^\$($|[.[])/.test(path);
}

/** InputPath may also select from the Context object (`$$.Execution.Input`) or a variable (`$name`). */
export function selectInput(ctx: StepContext, f: Frame, path: string | null | undefined, raw: Json): Json {
  if (typeof path === 'string' && isScopePath(path)) {
    const r = lookupScopePath(path, dataScope(ctx, f, raw));
    if (!r.ok) throw new StatesError(States.Runtime, invalidPathCause(path, r.reason));
    return r.value;
  }
  return applyInputPath(path, raw);
}

export interface StateOutput {
  output: Json;
  /** Variables assigned by this state (already merged into the frame when `commit` is called). */
  assigned?: Record<string, Json>;
}

/**
 * The state's output from its raw input and its result. `resultStage` says whether ResultSelector/ResultPath
 * apply (Task, Parallel, Map, Pass); for Choice/Wait/Succeed the result is the effective input and only
 * OutputPath (JSONPath) or Output (JSONata, default: the raw input) apply.
 */
export function stateOutput(
  ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, result: Json, opts: OutputOpts, rule?: RuleFields,
): StateOutput | Promise<StateOutput> {
  return cs.ql === 'JSONata'
    ? stateOutputJsonata(ctx, f, cs, raw, result, opts, rule)
    : stateOutputPath(ctx, f, cs, raw, result, opts, rule);
}

interface OutputOpts { resultStage: boolean; selectorApplies?: boolean; defaultOutput?: Json }

/** A matched Choice rule's own Assign/Output, which replace the state's (AWS "Choice state"). */
export interface RuleFields { Assign?: JsonObject | undefined; Output?: Json | undefined }

async function stateOutputJsonata(
  ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, result: Json, opts: OutputOpts, rule?: RuleFields,
): Promise<StateOutput> {
  const d = fieldsOf(cs);
  const assign = rule ? rule.Assign : d.Assign;
  const outputT = rule ? rule.Output : d.Output;
  const assigned = assign !== undefined
    ? (await evalField(ctx, f, cs, assign, 'Assign', { input: raw, result })) as Record<string, Json>
    : undefined;
  const output = outputT !== undefined
    ? await evalField(ctx, f, cs, outputT, 'Output', { input: raw, result })
    : (opts.defaultOutput ?? result);
  return assigned ? { output, assigned } : { output };
}

/** The JSONPath stages (synchronous, see effectiveInputPath). */
export function stateOutputPath(
  ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, result: Json, opts: OutputOpts, rule?: RuleFields,
): StateOutput {
  const d = fieldsOf(cs);
  const assign = rule ? rule.Assign : d.Assign;
  let selected = result;
  if (opts.resultStage && opts.selectorApplies !== false && d.ResultSelector !== undefined) {
    selected = applyPayloadTemplate(d.ResultSelector as Json, dataScope(ctx, f, result));
  }
  const assigned = assign !== undefined
    ? applyPayloadTemplate(assign, dataScope(ctx, f, selected)) as Record<string, Json>
    : undefined;
  const output = resultAndOutputPath(ctx, f, d, raw, selected, opts.resultStage);
  return assigned ? { output, assigned } : { output };
}

/** ResultPath (when `resultStage`) then OutputPath, over the selected result. */
function resultAndOutputPath(ctx: StepContext, f: Frame, d: Fields, raw: Json, selected: Json, resultStage: boolean): Json {
  const merged = resultStage ? applyResultPath(d.ResultPath, raw, selected) : selected;
  return typeof d.OutputPath === 'string' && isScopePath(d.OutputPath)
    ? selectInput(ctx, f, d.OutputPath, merged)
    : applyOutputPath(d.OutputPath, merged);
}

/**
 * A Pass state's output (ResultPath, OutputPath; Pass has no ResultSelector) when it assigns nothing: the
 * output alone, without the StateOutput wrapper (Pass chains are the hottest path of the engine).
 */
export function passOutputPath(ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, result: Json): Json {
  return resultAndOutputPath(ctx, f, fieldsOf(cs), raw, result, true);
}

/** AWS's QueryEvaluationError for a JSONata field whose result has the wrong type. */
export function jsonataTypeError(template: unknown, field: string, expected: string, value: Json | undefined): StatesError {
  const expr = isJsonataTemplate(template) ? jsonataTemplateExpression(template) : String(template);
  return new StatesError(States.QueryEvaluationError, jsonataTypeCause(expr, field, expected, value ?? null));
}

/** Merge assigned variables into the frame (copy-on-write: the old object may be shared). */
export function commitAssign(f: Frame, assigned: Record<string, Json> | undefined): void {
  if (assigned && Object.keys(assigned).length > 0) f.vars = { ...f.vars, ...assigned };
}

/** `assignedVariables` of a *StateExited event: each value as its JSON text. */
export function assignedDetails(assigned: Record<string, Json> | undefined): Record<string, Json> | undefined {
  // An empty Assign leaves no trace in the event (AWS-recorded).
  if (!assigned || Object.keys(assigned).length === 0) return undefined;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(assigned)) out[k] = JSON.stringify(v);
  return out;
}

/** A catcher's output: ResultPath (JSONPath) over the raw input, or Output (JSONata, default errorOutput). */
export async function catcherOutput(
  ctx: StepContext, f: Frame, cs: CompiledState, raw: Json, errorOutput: JsonObject,
  catcher: { ResultPath?: string | null; Output?: Json; Assign?: JsonObject },
): Promise<StateOutput> {
  if (cs.ql === 'JSONata') {
    const assigned = catcher.Assign !== undefined
      ? (await evalField(ctx, f, cs, catcher.Assign, 'Assign', { input: raw, errorOutput })) as Record<string, Json>
      : undefined;
    const output = catcher.Output !== undefined
      ? await evalField(ctx, f, cs, catcher.Output, 'Output', { input: raw, errorOutput })
      : errorOutput;
    return assigned ? { output, assigned } : { output };
  }
  const assigned = catcher.Assign !== undefined
    ? applyPayloadTemplate(catcher.Assign, dataScope(ctx, f, errorOutput)) as Record<string, Json>
    : undefined;
  let output: Json;
  try {
    output = applyResultPath(catcher.ResultPath, raw, errorOutput);
  } catch (e) {
    if (e instanceof StatesError) throw e;
    throw new StatesError(States.ResultPathMatchFailure, String(e));
  }
  return assigned ? { output, assigned } : { output };
}
