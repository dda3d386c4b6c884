/**
 * The per-step working copy. `step` must never mutate the state it was given (the runtime may keep it), but a
 * deep clone per step is too slow for 10,000-item Maps; so the draft copies the top-level containers once
 * and each frame the first time it is touched in this step (copy-on-write). Json values inside frames are
 * treated as immutable everywhere in the engine, so sharing them between the old and new state is safe.
 */
import type { Json } from '../util/json.js';
import type { Command, EngineInput, ExecutionStatus, HistoryEvent } from './contract.js';
import { bucketOf, type Frame, type Internal } from './internal.js';
import type { Program } from './program.js';
import { createPrng, restorePrng, type Prng } from '../asl/prng.js';
import { detailsKey, stripUndefined } from './event-details.js';

export { detailsKey };

export interface EngineDeps {
  hash?: (algorithm: string, text: string) => string;
}

export class StepContext {
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  /** Set when the execution closed in this step. */
  terminal: { status: Exclude<ExecutionStatus, 'RUNNING'>; output?: string; error?: string; cause?: string } | undefined;
  /** See ownedChunks: a plain Set created on first use (a WeakSet per step was a measurable GC cost). */
  private chunks: Set<Json[]> | undefined;
  private readonly owned = new Set<string>();
  /** Number of frames in each bucket owned by this step (see `bucket`). */
  private readonly bucketSizes = new Map<string, number>();
  private prng: Prng | undefined;
  /**
   * An Express execution keeps no history on AWS (no GetExecutionHistory; our stream shows only its start and
   * close, docs/websocket.md), so only its Execution* events are built: every other event just takes its id
   * and moves the frame's `prev`, keeping ids and the closing event exactly as they would be. `run.ts` then
   * skips serialising state inputs/outputs that no event shows (see payload-bound.ts for the quota check).
   */
  readonly quiet: boolean;

  constructor(
    readonly program: Program,
    readonly st: Internal,
    public nextEventId: number,
    readonly now: number,
    readonly deps: EngineDeps,
  ) {
    this.quiet = st.meta.type === 'EXPRESS';
  }

  /** Result chunks (internal.ts setResult/markOk) created in this step: written in place, not copied again. */
  get ownedChunks(): Set<Json[]> {
    this.chunks ??= new Set();
    return this.chunks;
  }

  /** Draft a state for this step: containers are shallow-copied; frames are copied lazily by `frame()`. */
  static draft(program: Program, internal: Internal, nextEventId: number, input: EngineInput, deps: EngineDeps): StepContext {
    const st: Internal = { ...internal, frames: { ...internal.frames }, queue: [...internal.queue] };
    return new StepContext(program, st, nextEventId, input.now, deps);
  }

  /** A frame, copied on first access in this step so it may be mutated freely. */
  frame(id: string): Frame {
    const f = this.frameIfAny(id);
    if (!f) throw new Error(`engine: unknown frame ${id}`);
    return f;
  }

  /** `frame(id)`, or undefined when there is no such frame (one lookup for hasFrame + frame). */
  frameIfAny(id: string): Frame | undefined {
    const b = bucketOf(id);
    const f = this.st.frames[b]?.[id];
    if (f === undefined || this.owned.has(id)) return f;
    // `attempts` is copy-on-write (failure.ts retryDelay), so it is shared here.
    const copy: Frame = { ...f };
    if (f.task) copy.task = { ...f.task };
    if (f.agg) copy.agg = { ...f.agg, results: [...f.agg.results], ...(f.agg.ok ? { ok: [...f.agg.ok] } : {}) };
    this.bucket(b)[id] = copy;
    this.owned.add(id);
    return copy;
  }

  /**
   * A bucket by name, copied on first write in this step. Its size is counted once then (bucketSizes holds
   * exactly the owned buckets), and kept up to date by addFrame/dropFrame, so dropping a frame need not
   * enumerate the bucket to see whether it emptied. Few Map/Set operations per frame: they dominate a
   * Parallel's frame bookkeeping.
   */
  private bucket(b: string): Record<string, Frame> {
    if (!this.bucketSizes.has(b)) {
      const src = this.st.frames[b];
      this.st.frames[b] = { ...src };
      this.bucketSizes.set(b, src ? Object.keys(src).length : 0);
    }
    return this.st.frames[b]!;
  }

  hasFrame(id: string): boolean {
    return this.st.frames[bucketOf(id)]?.[id] !== undefined;
  }

  addFrame(f: Frame): Frame {
    const name = bucketOf(f.id);
    const b = this.bucket(name);
    if (b[f.id] === undefined) this.bucketSizes.set(name, this.bucketSizes.get(name)! + 1);
    b[f.id] = f;
    this.owned.add(f.id);
    return f;
  }

  /** Remove a frame. Its id may stay in `owned`: ownership only matters for frames that exist. */
  dropFrame(id: string): void {
    const name = bucketOf(id);
    if (this.st.frames[name]?.[id] === undefined) return;
    const b = this.bucket(name);
    delete b[id];
    const size = this.bucketSizes.get(name)! - 1;
    if (size === 0) {
      // A later addFrame to this bucket in the same step must start a new one (not write into the deleted one).
      delete this.st.frames[name];
      this.bucketSizes.delete(name);
    } else {
      this.bucketSizes.set(name, size);
    }
  }

  /** Every frame (read-only view; use `frame(id)` to modify). */
  allFrames(): Frame[] {
    return Object.values(this.st.frames).flatMap((b) => Object.values(b));
  }

  /** Forget every frame (the execution closed). */
  clearFrames(): void {
    this.st.frames = {};
    this.owned.clear();
    this.bucketSizes.clear();
  }

  /** A task/timer id owned by a frame (see internal.ts). */
  frameId(f: Frame, prefix: string): string {
    this.st.seq += 1;
    return `${f.id}/${prefix}${this.st.seq}`;
  }

  /** Deterministic id unique within the execution. */
  newId(prefix: string): string {
    this.st.seq += 1;
    return `${prefix}${this.st.seq}`;
  }

  /**
   * Append a history event. `f` (when given) is the frame whose chain it continues: previousEventId is
   * `f.prev` (or `prevOverride`), and `f.prev` becomes the new id unless `keepPrev`.
   */
  emit(
    f: Frame | undefined, type: string, details?: Record<string, Json | undefined>,
    opts?: { prev?: number; keepPrev?: boolean },
  ): number {
    if (f?.silent) return f.prev;
    const id = this.nextEventId++;
    // 69 is 'E': most types are *State* or Task events, told apart without a string comparison.
    if (this.quiet && (type.charCodeAt(0) !== 69 || !type.startsWith('Execution'))) {
      if (f && !opts?.keepPrev) f.prev = id;
      return id;
    }
    const previousEventId = opts?.prev ?? f?.prev ?? 0;
    const ev: HistoryEvent = { id, previousEventId, type, timestamp: this.now };
    if (details) {
      const key = detailsKey(type);
      if (key) ev[key] = stripUndefined(details);
    }
    this.events.push(ev);
    if (f && !opts?.keepPrev) f.prev = id;
    return id;
  }

  /**
   * JSON text of a value whose text was produced in this step (a state's output is the next state's input):
   * Json values are immutable in the engine, so the same reference has the same text.
   */
  textOf(value: Json): string {
    if (value === this.lastValue && this.lastText !== undefined) return this.lastText;
    return JSON.stringify(value);
  }

  /** Remember the text of a state's output for `textOf`. */
  rememberText(value: Json, text: string): void {
    this.lastValue = value;
    this.lastText = text;
  }

  private lastValue: Json | undefined;
  private lastText: string | undefined;

  command(c: Command): void {
    this.commands.push(c);
  }

  rng(): Prng {
    if (!this.prng) {
      this.prng = this.st.rng === null ? createPrng(0) : restorePrng(this.st.rng);
    }
    return this.prng;
  }

  /** Persist the PRNG position into the draft (call once at the end of the step). */
  flushRng(): void {
    if (this.prng) this.st.rng = this.prng.state();
  }

  /** A UUID (v4 layout) drawn from the execution's seeded PRNG, so replays reproduce it. */
  uuid(): string {
    const r = this.rng();
    const hex = Array.from({ length: 32 }, (_, i) => (i === 12 ? 4 : i === 16 ? 8 + r.nextInt(4) : r.nextInt(16)).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  enqueue(frameId: string): void {
    this.st.queue.push(frameId);
  }
}
