/**
 * Map: items (ItemsPath / Items), MaxConcurrency(Path) with 0 = unlimited, ToleratedFailureCount/Percentage,
 * ItemSelector (or the legacy Parameters) per item with `$$.Map.Item`, INLINE and DISTRIBUTED processors
 * (a distributed run adds MapRunStarted/MapRunSucceeded and keeps its child executions' events out of this
 * history, as AWS does).
 */
import type { Json } from '../util/json.js';
import { isJsonObject, type JsonObject } from '../util/json.js';
import { StatesError, States } from '../asl/errors.js';
import { lookupScopePath } from '../asl/paths.js';
import { applyPayloadTemplate } from '../asl/payload-template.js';
import { emptyResults, isOk, type Aggregate, type Frame } from './internal.js';
import type { StepContext } from './step-context.js';
import { stateAt, type CompiledState } from './program.js';
import { evalField, inputPathOnly, jsonataTypeError } from './dataflow.js';
import { dataScope } from './context.js';
import type { CompiledOf, Outcome } from './outcome.js';
import { newAggregate, spawn, collect } from './children.js';

/** A numeric Map setting: literal, `...Path` (JSONPath, variables allowed) or JSONata template. */
async function numberSetting(
  ctx: StepContext, f: Frame, cs: CompiledOf<'Map'>, field: 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage',
  eff: Json,
): Promise<number | undefined> {
  const d = cs.def;
  const literal = d[field];
  const path = d[`${field}Path`];
  if (typeof literal === 'number') return literal;
  if (typeof literal === 'string') {
    const v = await evalField(ctx, f, cs, literal, field, { input: f.input });
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw jsonataTypeError(literal, field, 'integer', v);
    }
    return v;
  }
  if (path !== undefined) {
    const v = scopePath(ctx, f, path, eff);
    const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || n < 0) {
      throw new StatesError(States.Runtime, `The ${field}Path field refers to value "${JSON.stringify(v ?? null)}" which is not a valid positive integer.`);
    }
    return n;
  }
  return undefined;
}

/** A `...Path` setting: `$.x` on the effective input, `$$.x` on the context, `$name.x` on a variable. */
function scopePath(ctx: StepContext, f: Frame, path: string, eff: Json): Json | undefined {
  const r = lookupScopePath(path, dataScope(ctx, f, eff));
  return r.ok ? r.value : undefined;
}

async function itemsOf(ctx: StepContext, f: Frame, cs: CompiledOf<'Map'>, eff: Json): Promise<Json[]> {
  const d = cs.def;
  if (cs.ql === 'JSONata') {
    const v = d.Items !== undefined ? await evalField(ctx, f, cs, d.Items, 'Items', { input: f.input }) : f.input;
    if (!Array.isArray(v)) {
      throw jsonataTypeError(d.Items, 'Items', 'array', v);
    }
    return v;
  }
  const path = d.ItemsPath ?? '$';
  const v = scopePath(ctx, f, path, eff);
  if (v === undefined) {
    throw new StatesError(States.Runtime, `Invalid path '${path}' : No results for path: ${path}`);
  }
  if (!Array.isArray(v)) {
    throw new StatesError(States.Runtime,
      `Item path ${path} evaluated to a non-array value: ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Evaluate the Map's settings and emit MapStateStarted (and MapRunStarted). Returns an outcome right away for
 * an empty item list; otherwise leaves the frame in phase 'children' ready for startIterations.
 */
export async function prepareMap(ctx: StepContext, f: Frame, cs: CompiledOf<'Map'>): Promise<Outcome | undefined> {
  if (cs.def.ItemReader !== undefined) {
    // Reading items from S3 needs AWS; failing loudly beats iterating over the wrong items.
    throw new StatesError(States.ItemReaderFailed, 'ItemReader is not supported: this service has no Amazon S3 behind it.');
  }
  const eff = inputPathOnly(ctx, f, cs, f.input);
  const items = await itemsOf(ctx, f, cs, eff);
  const maxConcurrency = (await numberSetting(ctx, f, cs, 'MaxConcurrency', eff)) ?? 0;
  const toleratedCount = await numberSetting(ctx, f, cs, 'ToleratedFailureCount', eff);
  const toleratedPercentage = await numberSetting(ctx, f, cs, 'ToleratedFailurePercentage', eff);
  ctx.emit(f, 'MapStateStarted', { length: items.length });
  const agg = newAggregate('map', items.length, eff);
  agg.items = items;
  agg.maxConcurrency = maxConcurrency;
  if (toleratedCount !== undefined) agg.toleratedCount = toleratedCount;
  if (toleratedPercentage !== undefined) agg.toleratedPercentage = toleratedPercentage;
  const distributed = cs.children[0]?.mode === 'DISTRIBUTED';
  if (distributed) {
    const meta = ctx.st.meta;
    const arn = `arn:aws:states:${meta.region}:${meta.account}:mapRun:${meta.stateMachineName}/${cs.def.Label ?? ctx.uuid()}:${ctx.uuid()}`;
    agg.mapRunArn = arn;
    ctx.emit(f, 'MapRunStarted', { mapRunArn: arn });
  }
  const selector = cs.def.ItemSelector;
  if (cs.ql === 'JSONata' && selector !== undefined) {
    agg.selected = [];
    for (let index = 0; index < items.length; index++) {
      const itemFrame: Frame = { ...f, mapItem: { index, value: items[index]! } };
      agg.selected.push(await evalField(ctx, itemFrame, cs, selector as Json, 'ItemSelector', { input: f.input }));
    }
  }
  if (distributed && isJsonObject(cs.def.ItemBatcher)) await batchItems(ctx, f, cs, agg, eff);
  agg.lastEventId = f.prev;
  f.agg = agg;
  f.phase = 'children';
  if (items.length === 0) return collect(ctx, f, cs);
  return undefined;
}

/**
 * ItemBatcher (distributed only): each child execution gets `{ BatchInput?, Items: [...] }` with up to
 * MaxItemsPerBatch selected items (AWS "ItemBatcher (Map)"). The batches replace the items.
 */
async function batchItems(ctx: StepContext, f: Frame, cs: CompiledOf<'Map'>, agg: Aggregate, eff: Json): Promise<void> {
  const b = cs.def.ItemBatcher as JsonObject;
  const selected = agg.items.map((v, i) => (agg.selected ? agg.selected[i]! : selectWith(ctx, f, cs, agg, i, v)));
  let size: Json | undefined = b.MaxItemsPerBatch;
  if (typeof b.MaxItemsPerBatchPath === 'string') size = scopePath(ctx, f, b.MaxItemsPerBatchPath, eff);
  if (typeof size === 'string' && cs.ql === 'JSONata') size = await evalField(ctx, f, cs, size, 'ItemBatcher/MaxItemsPerBatch', { input: f.input });
  const per = typeof size === 'number' && size > 0 ? Math.floor(size) : selected.length || 1;
  let batchInput: Json | undefined = b.BatchInput;
  if (batchInput !== undefined) {
    batchInput = cs.ql === 'JSONata'
      ? await evalField(ctx, f, cs, batchInput, 'ItemBatcher/BatchInput', { input: f.input })
      : applyPayloadTemplate(batchInput, dataScope(ctx, f, eff));
  }
  const batches: Json[] = [];
  for (let i = 0; i < selected.length; i += per) {
    const items = selected.slice(i, i + per);
    batches.push(batchInput === undefined ? { Items: items } : { BatchInput: batchInput, Items: items });
  }
  agg.items = batches;
  agg.results = emptyResults(batches.length);
  agg.batched = true;
  delete agg.selected;
}

/** Start iterations while the concurrency limit allows (0 = unlimited). */
export function startIterations(ctx: StepContext, f: Frame, cs: CompiledState | undefined): void {
  const agg = f.agg!;
  const state = cs ?? stateAt(ctx.program, f.machine, f.state);
  const machine = state.children[0]!;
  const distributed = agg.mapRunArn !== undefined;
  while (agg.next < agg.items.length && (agg.maxConcurrency === 0 || agg.running < agg.maxConcurrency)) {
    const index = agg.next++;
    if (isOk(agg, index)) continue;
    const value = agg.items[index]!;
    const selected = selectItem(ctx, f, state as CompiledOf<'Map'>, index, value);
    let prev = f.prev;
    if (!distributed) prev = ctx.emit(f, 'MapIterationStarted', { index, name: f.state }, { keepPrev: true });
    agg.running += 1;
    const child = spawn(ctx, f, machine, index, selected, prev, { mapItem: { index, value } });
    if (distributed) {
      child.silent = true;
      // Each distributed iteration is its own child execution: it does not see this execution's variables.
      child.vars = {};
    }
  }
}

/** ItemSelector (or legacy Parameters) for one item; default: the item itself. */
function selectItem(ctx: StepContext, f: Frame, cs: CompiledOf<'Map'>, index: number, value: Json): Json {
  if ((cs.def.ItemSelector ?? cs.def.Parameters) === undefined) return value;
  const agg = f.agg!;
  if (agg.batched) return value;
  if (agg.selected) return agg.selected[index] ?? null;
  return selectWith(ctx, f, cs, agg, index, value);
}

/** JSONPath ItemSelector for one item, with `$$.Map.Item` set. */
function selectWith(ctx: StepContext, f: Frame, cs: CompiledOf<'Map'>, agg: Aggregate, index: number, value: Json): Json {
  const selector = cs.def.ItemSelector ?? cs.def.Parameters;
  if (!isJsonObject(selector)) return value;
  const itemFrame: Frame = { ...f, mapItem: { index, value } };
  return applyPayloadTemplate(selector, dataScope(ctx, itemFrame, agg.effectiveInput));
}
