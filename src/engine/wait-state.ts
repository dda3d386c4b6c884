/**
 * Wait: Seconds / Timestamp / SecondsPath / TimestampPath (JSONata: Seconds / Timestamp templates). Nothing
 * sleeps: the handler arms a StartTimer command and the state exits when TimerFired arrives.
 */
import type { Json } from '../util/json.js';
import { parseTimestamp } from '../util/time.js';
import { StatesError, States } from '../asl/errors.js';
import { lookupScopePath } from '../asl/paths.js';
import { dataScope } from './context.js';
import { evalField, inputPathOnly, jsonataTypeError, stateOutput } from './dataflow.js';
import { nextOf, type CompiledOf, type Handler, type Outcome } from './outcome.js';
import type { Frame } from './internal.js';
import type { StepContext } from './step-context.js';

async function fireAt(ctx: StepContext, f: Frame, cs: CompiledOf<'Wait'>): Promise<number> {
  const d = cs.def;
  if (cs.ql === 'JSONata') {
    if (d.Seconds !== undefined) {
      const v = await evalField(ctx, f, cs, d.Seconds as Json, 'Seconds', { input: f.input });
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw jsonataTypeError(d.Seconds, 'Seconds', 'integer', v);
      }
      return ctx.now + v * 1000;
    }
    const v = await evalField(ctx, f, cs, (d.Timestamp ?? '') as Json, 'Timestamp', { input: f.input });
    const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (t === undefined) {
      throw jsonataTypeError(d.Timestamp, 'Timestamp', 'string (ISO-8601 extended offset date-time)', v);
    }
    return t;
  }
  if (typeof d.Seconds === 'number') return ctx.now + d.Seconds * 1000;
  if (d.Timestamp !== undefined) return parseTimestamp(d.Timestamp) ?? ctx.now;
  const eff = inputPathOnly(ctx, f, cs, f.input);
  if (d.SecondsPath !== undefined) {
    const v = pathValue(ctx, f, d.SecondsPath, eff);
    if (v === undefined) {
      throw new StatesError(States.Runtime, `The SecondsPath parameter does not reference an input value: ${d.SecondsPath}`);
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new StatesError(States.Runtime,
        `The SecondsPath parameter references an invalid value. Please provide a non-negative integer: ${d.SecondsPath} == ${JSON.stringify(v)}`);
    }
    return ctx.now + v * 1000;
  }
  if (d.TimestampPath !== undefined) {
    const v = pathValue(ctx, f, d.TimestampPath, eff);
    if (v === undefined) {
      throw new StatesError(States.Runtime, `The TimestampPath parameter does not reference an input value: ${d.TimestampPath}`);
    }
    const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (t === undefined) {
      throw new StatesError(States.Runtime,
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${d.TimestampPath} == ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
    return t;
  }
  return ctx.now;
}

/** SecondsPath/TimestampPath: a reference path on the effective input, the context or a variable. */
function pathValue(ctx: StepContext, f: Frame, path: string, eff: Json): Json | undefined {
  const r = lookupScopePath(path, dataScope(ctx, f, eff));
  return r.ok ? r.value : undefined;
}

export const waitHandler: Handler<'Wait'> = async (ctx, f, cs) => {
  const at = await fireAt(ctx, f, cs);
  const timerId = ctx.frameId(f, 'w');
  f.phase = 'wait';
  f.timerId = timerId;
  ctx.command({ kind: 'StartTimer', timerId, fireAt: Math.max(at, ctx.now) });
  return { kind: 'block' };
};

/** TimerFired for a Wait: the state's output processing runs now, then it exits. */
export async function waitElapsed(ctx: StepContext, f: Frame, cs: CompiledOf<'Wait'>): Promise<Outcome> {
  delete f.timerId;
  const eff = inputPathOnly(ctx, f, cs, f.input);
  const out = await stateOutput(ctx, f, cs, f.input, eff, { resultStage: false, defaultOutput: f.input });
  return { kind: 'next', next: nextOf(cs.def), ...out };
}
