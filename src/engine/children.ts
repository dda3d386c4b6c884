/**
 * Parallel and Map: child frames (one per branch / iteration), each with its own previousEventId chain, and
 * the collection of their results. Event shapes and id chains follow AWS recordings:
 *  - Map: MapStateStarted{length}, per item MapIterationStarted{index,name} … MapIterationSucceeded (linked to
 *    the iteration's last event; the next MapIterationStarted links to that same event), MapStateSucceeded
 *    (linked to the last MapIterationSucceeded) and MapStateExited sharing its previousEventId.
 *  - Parallel: ParallelStateStarted, branch events, ParallelStateSucceeded and ParallelStateExited both linked
 *    to the last branch event.
 *  - A failed child fails the state with the child's error; MapStateFailed/ParallelStateFailed are emitted
 *    unless a retrier re-runs the state (run.ts).
 */
import type { Json } from '../util/json.js';
import { States } from '../asl/errors.js';
import { emptyResults, isOk, markOk, setResult, type Aggregate, type Frame } from './internal.js';
import type { StepContext } from './step-context.js';
import type { Machine } from './program.js';
import { effectiveInput, stateOutput, type StateOutput } from './dataflow.js';
import { nextOf, type CompiledOf, type Handler, type Outcome } from './outcome.js';
import { prepareMap, startIterations } from './map-state.js';
import { cancelPending } from './terminate.js';

/** Create a child frame at the start of a sub-machine. */
export function spawn(
  ctx: StepContext, parent: Frame, machine: Machine, slot: number, input: Json, prev: number,
  extra?: Partial<Frame>,
): Frame {
  const child: Frame = {
    id: ctx.newId('f'), parent: parent.id, slot, machine: machine.path, state: machine.startAt, phase: 'enter',
    input, prev, enteredId: 0, enteredAt: ctx.now, enteredPrev: prev, vars: parent.vars, attempts: [], retryCount: 0,
  };
  // Not spread into the literal: a spread makes every frame a slow generic object copy.
  if (extra !== undefined) Object.assign(child, extra);
  if (parent.silent) child.silent = true;
  ctx.addFrame(child);
  ctx.enqueue(child.id);
  return child;
}

export function newAggregate(kind: Aggregate['kind'], size: number, effective: Json): Aggregate {
  return {
    kind, results: emptyResults(size), next: 0, items: [], running: 0, maxConcurrency: 0,
    failures: 0, lastEventId: 0, effectiveInput: effective,
  };
}

export const parallelHandler: Handler<'Parallel'> = (ctx, f, cs) => {
  // Synchronous unless JSONata Arguments are evaluated (see run.ts drain).
  const eff = effectiveInput(ctx, f, cs, f.input);
  return eff instanceof Promise ? eff.then((e) => startBranches(ctx, f, cs, e)) : startBranches(ctx, f, cs, eff);
};

function startBranches(ctx: StepContext, f: Frame, cs: CompiledOf<'Parallel'>, eff: Json): Outcome | Promise<Outcome> {
  ctx.emit(f, 'ParallelStateStarted');
  const agg = newAggregate('parallel', cs.children.length, eff);
  f.agg = agg;
  f.phase = 'children';
  agg.lastEventId = f.prev;
  // A redrive re-runs only the branches that did not succeed (AWS "Redriving executions").
  const redo = takeRedo(f, agg);
  // Branches that get the state's input object unchanged keep its original text (Frame.inputText).
  const extra = f.inputText !== undefined && eff === f.input ? { inputText: f.inputText } : undefined;
  cs.children.forEach((m, i) => {
    if (isOk(redo, i)) return;
    agg.running += 1;
    spawn(ctx, f, m, i, eff, f.prev, extra);
  });
  if (agg.running === 0) return collect(ctx, f, cs);
  return { kind: 'block' };
}

export const mapHandler: Handler<'Map'> = async (ctx, f, cs) => {
  const ready = await prepareMap(ctx, f, cs);
  if (ready) return ready;
  // A redrive re-runs only the iterations that did not succeed (same input, so the same items).
  if (f.agg!.items.length === f.redo?.items.length) takeRedo(f, f.agg!);
  delete f.redo;
  startIterations(ctx, f, cs);
  if (f.agg!.running === 0) return collect(ctx, f, cs);
  return { kind: 'block' };
};

/** Carry the succeeded slots (results, texts) of a redriven attempt into the new aggregate. */
function takeRedo(f: Frame, agg: Aggregate): Aggregate | undefined {
  const redo = f.redo;
  delete f.redo;
  if (!redo?.ok) return undefined;
  agg.results = redo.results;
  agg.ok = redo.ok;
  if (redo.texts) agg.texts = redo.texts;
  return redo;
}

/** A child frame finished: record its result in the parent; schedule the parent when it has all it needs. */
export function childFinished(ctx: StepContext, child: Frame): void {
  const parentId = child.parent!;
  ctx.dropFrame(child.id);
  const p = ctx.frameIfAny(parentId);
  if (p === undefined) return;
  const agg = p.agg;
  if (!agg || agg.closed || p.phase !== 'children') return;
  const result = child.result!;
  const slot = child.slot ?? 0;
  agg.running -= 1;
  const name = p.state;
  if (agg.kind === 'map') {
    if (result.ok) {
      iterationEvent(ctx, p, agg, child, 'MapIterationSucceeded', slot, name);
      setResult(agg, slot, result.output, ctx.ownedChunks);
      markOk(agg, slot, ctx.ownedChunks);
      if (result.text !== undefined) agg.texts = { ...agg.texts, [slot]: result.text };
    } else {
      agg.failures += 1;
      iterationEvent(ctx, p, agg, child, 'MapIterationFailed', slot, name);
      if (!tolerated(agg)) {
        agg.closed = true;
        // With a tolerance configured, exceeding it is its own error (AWS "Setting failure thresholds").
        agg.failure = agg.toleratedCount !== undefined || agg.toleratedPercentage !== undefined
          ? { error: States.ExceedToleratedFailureThreshold, cause: 'The specified tolerated failure threshold was exceeded' }
          : { error: result.error, ...(result.cause !== undefined ? { cause: result.cause } : {}) };
        cancelChildren(ctx, p.id);
        schedule(ctx, p);
        return;
      }
    }
    if (agg.next < agg.items.length) startIterations(ctx, p, undefined);
  } else if (result.ok) {
    setResult(agg, slot, result.output, ctx.ownedChunks);
    markOk(agg, slot, ctx.ownedChunks);
    if (result.text !== undefined) agg.texts = { ...agg.texts, [slot]: result.text };
    agg.lastEventId = child.prev;
  } else {
    agg.closed = true;
    agg.failure = { error: result.error, ...(result.cause !== undefined ? { cause: result.cause } : {}) };
    if (child.failedStateType && ABORTABLE.has(child.failedStateType)) {
      ctx.emit(p, `${child.failedStateType}StateAborted`, undefined, { prev: child.prev, keepPrev: true });
    }
    p.prev = child.prev;
    cancelChildren(ctx, p.id);
    schedule(ctx, p);
    return;
  }
  if (agg.running === 0) schedule(ctx, p);
}

/** MapIteration{Succeeded,Failed}; distributed iterations are child executions: no iteration events here. */
function iterationEvent(ctx: StepContext, p: Frame, agg: Aggregate, child: Frame, type: string, slot: number, name: string): void {
  if (agg.mapRunArn !== undefined) return;
  agg.lastEventId = ctx.emit(p, type, { index: slot, name }, { prev: child.prev, keepPrev: true });
  p.prev = child.prev;
}

/** State types with a *StateAborted history event. */
const ABORTABLE: ReadonlySet<string> = new Set(['Task', 'Wait', 'Map', 'Parallel']);

function schedule(ctx: StepContext, p: Frame): void {
  p.collect = true;
  ctx.enqueue(p.id);
}

/** Inline Map tolerates no failure unless ToleratedFailureCount/Percentage say so. */
function tolerated(agg: Aggregate): boolean {
  const total = agg.items.length;
  if (agg.toleratedCount !== undefined && agg.failures <= agg.toleratedCount) return true;
  if (agg.toleratedPercentage !== undefined && total > 0 && (agg.failures / total) * 100 <= agg.toleratedPercentage) return true;
  return false;
}

/** Remove every descendant frame of `parentId`, cancelling their tasks and timers. */
export function cancelChildren(ctx: StepContext, parentId: string): void {
  const victims = new Set<string>([parentId]);
  const frames = ctx.allFrames();
  let grew = true;
  while (grew) {
    grew = false;
    for (const fr of frames) {
      if (fr.parent !== undefined && victims.has(fr.parent) && !victims.has(fr.id)) {
        victims.add(fr.id);
        grew = true;
      }
    }
  }
  victims.delete(parentId);
  for (const fr of frames) if (victims.has(fr.id)) cancelPending(ctx, fr);
  for (const id of victims) ctx.dropFrame(id);
  ctx.st.queue = ctx.st.queue.filter((id) => !victims.has(id));
}

/** All children are in (or one failed): the state's result, or its failure. */
export function collect(
  ctx: StepContext, f: Frame, cs: CompiledOf<'Parallel'> | CompiledOf<'Map'>,
): Outcome | Promise<Outcome> {
  delete f.collect;
  const agg = f.agg!;
  const kind = cs.def.Type;
  if (agg.failure) {
    if (agg.mapRunArn !== undefined) ctx.emit(f, 'MapRunFailed', { error: agg.failure.error, cause: agg.failure.cause });
    return agg.failure.cause === undefined
      ? { kind: 'fail', error: agg.failure.error }
      : { kind: 'fail', error: agg.failure.error, cause: agg.failure.cause };
  }
  if (agg.mapRunArn !== undefined) {
    const run = ctx.emit(f, 'MapRunSucceeded', undefined, { prev: agg.lastEventId });
    // MapStateSucceeded follows MapRunSucceeded; MapStateExited links to MapRunStarted. Older AWS recordings
    // (2023) link MapStateExited to MapRunSucceeded instead; the newer ones (2024, e.g. with variables) are kept.
    ctx.emit(f, 'MapStateSucceeded', undefined, { prev: run, keepPrev: true });
    f.prev = agg.lastEventId;
  } else {
    ctx.emit(f, `${kind}StateSucceeded`, undefined, { prev: agg.lastEventId, keepPrev: true });
    f.prev = agg.lastEventId;
  }
  const results = agg.results.flat();
  const texts = agg.texts;
  delete f.agg;
  const out = stateOutput(ctx, f, cs, f.input, results, { resultStage: true });
  // JSONata Output is the only asynchronous part (see run.ts drain).
  return out instanceof Promise
    ? out.then((o) => collected(cs, results, texts, o))
    : collected(cs, results, texts, out);
}

function collected(
  cs: CompiledOf<'Parallel'> | CompiledOf<'Map'>, results: Json[], texts: Record<string, string> | undefined, out: StateOutput,
): Outcome {
  // Results that kept their original text keep it inside the result array too (AWS-recorded, Frame.inputText).
  if (texts !== undefined && out.output === results) {
    const text = `[${results.map((v, i) => texts[i] ?? JSON.stringify(v)).join(',')}]`;
    return { kind: 'next', next: nextOf(cs.def), ...out, text };
  }
  return { kind: 'next', next: nextOf(cs.def), ...out };
}
