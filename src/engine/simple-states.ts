/** Handlers of the states that finish in one go: Pass, Succeed, Fail, Choice (ASL spec "State Types"). */
import type { Json } from '../util/json.js';
import { StatesError, States } from '../asl/errors.js';
import { resolveDollarValue } from '../asl/payload-template.js';
import { evaluateChoiceRule } from '../asl/choice.js';
import { evaluateJsonata, isJsonataTemplate, jsonataTemplateExpression } from '../asl/jsonata.js';
import {
  effectiveInputPath, evalField, inputPathOnly, jsonataTypeError, passOutputPath, stateOutput, stateOutputPath,
} from './dataflow.js';
import { dataScope, jsonataBindings } from './context.js';
import { nextOf, type Handler } from './outcome.js';

export const passHandler: Handler<'Pass'> = (ctx, f, cs) => {
  const d = cs.def;
  if (cs.ql === 'JSONata') return passJsonata(ctx, f, cs);
  // Pass: the result is `Result`, else the Parameters output, else the effective input (ASL spec "Pass State").
  const eff = effectiveInputPath(ctx, f, cs, f.input);
  const result = d.Result !== undefined ? d.Result : eff;
  if (d.Assign === undefined) return { kind: 'next', next: nextOf(d), output: passOutputPath(ctx, f, cs, f.input, result) };
  const out = stateOutputPath(ctx, f, cs, f.input, result, PASS_OUTPUT);
  return out.assigned === undefined
    ? { kind: 'next', next: nextOf(d), output: out.output }
    : { kind: 'next', next: nextOf(d), output: out.output, assigned: out.assigned };
};

/** Pass has a ResultPath but no ResultSelector (ASL spec "Pass State"); one shared options object. */
const PASS_OUTPUT = { resultStage: true, selectorApplies: false } as const;

const passJsonata: Handler<'Pass'> = async (ctx, f, cs) => {
  const out = await stateOutput(ctx, f, cs, f.input, f.input, { resultStage: false, defaultOutput: f.input });
  return { kind: 'next', next: nextOf(cs.def), ...out };
};

export const succeedHandler: Handler<'Succeed'> = async (ctx, f, cs) => {
  const eff = inputPathOnly(ctx, f, cs, f.input);
  const out = await stateOutput(ctx, f, cs, f.input, eff, { resultStage: false, defaultOutput: f.input });
  return { kind: 'next', output: out.output };
};

/** Fail: Error/Cause, or ErrorPath/CausePath (a reference path or an intrinsic call), or JSONata templates. */
export const failHandler: Handler<'Fail'> = async (ctx, f, cs) => {
  const d = cs.def;
  if (cs.ql === 'JSONata') {
    const error = d.Error !== undefined ? await evalField(ctx, f, cs, d.Error, 'Error', { input: f.input }) : undefined;
    const cause = d.Cause !== undefined ? await evalField(ctx, f, cs, d.Cause, 'Cause', { input: f.input }) : undefined;
    return { kind: 'terminal', error: asText(error), cause: asText(cause) };
  }
  const fromPath = (path: string | undefined, literal: string | undefined): string | undefined => {
    if (path === undefined) return literal;
    const v = resolveDollarValue(path, dataScope(ctx, f, f.input));
    if (v === undefined) {
      throw new StatesError(States.Runtime, `Invalid path '${path}' : No results for path: ${path}`);
    }
    return asText(v);
  };
  return { kind: 'terminal', error: fromPath(d.ErrorPath, d.Error), cause: fromPath(d.CausePath, d.Cause) };
};

function asText(v: Json | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Choice: the first matching rule wins; its Assign/Output apply; else Default; else States.NoChoiceMatched. */
export const choiceHandler: Handler<'Choice'> = (ctx, f, cs) => {
  if (cs.ql === 'JSONata') return choiceJsonata(ctx, f, cs);
  const d = cs.def;
  const eff = inputPathOnly(ctx, f, cs, f.input);
  for (const rule of d.Choices) {
    if (evaluateChoiceRule(rule, dataScope(ctx, f, eff))) {
      const out = stateOutputPath(ctx, f, cs, f.input, eff, { resultStage: false, defaultOutput: f.input }, rule);
      return { kind: 'next', next: rule.Next, ...out };
    }
  }
  if (d.Default !== undefined) {
    // The state-level Assign/Output apply when Default is taken (AWS "Choice state").
    const out = stateOutputPath(ctx, f, cs, f.input, eff, { resultStage: false, defaultOutput: f.input });
    return { kind: 'next', next: d.Default, ...out };
  }
  return { kind: 'fail', error: States.NoChoiceMatched };
};

const choiceJsonata: Handler<'Choice'> = async (ctx, f, cs) => {
  const d = cs.def;
  const eff = inputPathOnly(ctx, f, cs, f.input);
  for (const rule of d.Choices) {
    const cond = rule.Condition;
    const v = typeof cond === 'string'
      ? await evaluateJsonata(isJsonataTemplate(cond) ? jsonataTemplateExpression(cond) : cond, jsonataBindings(ctx, f, f.input), ctx.rng())
      : cond;
    if (typeof v !== 'boolean') {
      throw jsonataTypeError(cond, 'Condition', 'boolean', v);
    }
    if (v) {
      const out = await stateOutput(ctx, f, cs, f.input, eff, { resultStage: false, defaultOutput: f.input }, rule);
      return { kind: 'next', next: rule.Next, ...out };
    }
  }
  if (d.Default !== undefined) {
    // The state-level Assign/Output apply when Default is taken (AWS "Choice state").
    const out = await stateOutput(ctx, f, cs, f.input, eff, { resultStage: false, defaultOutput: f.input });
    return { kind: 'next', next: d.Default, ...out };
  }
  return { kind: 'fail', error: States.NoChoiceMatched };
};
