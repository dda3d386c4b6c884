/**
 * The engine's private state (ExecutionState.internal). Plain JSON throughout: frames are addressed by id,
 * states by (machine path, name), so the whole thing survives a JSON round trip.
 *
 * A *frame* is one thread of control with its own cursor and its own `prev` (previousEventId) chain: the top
 * level, each Parallel branch and each Map iteration. AWS links every event to the previous event *of the
 * same thread*, which is why ids only come out right when each frame keeps its own chain.
 */
import type { Json } from '../util/json.js';
import type { ExecutionMeta } from './contract.js';

export type Phase =
  /** About to enter `state` (emit *StateEntered, run the handler). */
  | 'enter'
  /** A Task was dispatched; waiting for TaskStarted/Succeeded/Failed or its timers. */
  | 'task'
  /** A Wait state's timer is armed. */
  | 'wait'
  /** A retrier's back-off timer is armed; on fire the state's handler runs again (no new *StateEntered). */
  | 'retry'
  /** A Parallel/Map state is waiting for its child frames. */
  | 'children'
  /** The frame has finished (see `result`). */
  | 'done';

/** `text`: the output's original JSON text when it differs from JSON.stringify (see Frame.inputText). */
export type FrameResult = { ok: true; output: Json; text?: string } | { ok: false; error: string; cause?: string };

/** In-flight task bookkeeping of a frame in phase 'task'. */
export interface PendingTask {
  taskId: string;
  family: 'lambda' | 'task' | 'activity';
  resourceType: string;
  resource: string;
  timeoutTimer?: string;
  heartbeatTimer?: string;
  heartbeatSeconds?: number;
  /** Set for `.waitForTaskToken`: the first TaskSucceeded from the dispatcher is the submission. */
  waitForToken?: boolean;
  submitted?: boolean;
}

/** Aggregation state of a Parallel or Map frame in phase 'children'. */
export interface Aggregate {
  kind: 'parallel' | 'map';
  /**
   * Child results by slot (branch / item index), in chunks of RESULT_CHUNK; null until the slot finishes.
   * Chunked so recording one result copies one chunk, not a 10,000-entry array, per step.
   */
  results: Json[][];
  /** Items still to start (Map), as the index of the next one. */
  next: number;
  /** Map: the items (JSONPath ItemSelector is applied lazily per item). */
  items: Json[];
  /** Map in JSONata: ItemSelector results, evaluated up front (JSONata evaluation is asynchronous). */
  selected?: Json[];
  /** Distributed Map with ItemBatcher: `items` are the batches, already selected. */
  batched?: boolean;
  /** Child frames still running. */
  running: number;
  /** 0 = unlimited. */
  maxConcurrency: number;
  failures: number;
  toleratedCount?: number;
  toleratedPercentage?: number;
  /** id of the last Map/Parallel iteration event, the previousEventId of MapStateSucceeded. */
  lastEventId: number;
  /** The effective input of the state (after InputPath/Parameters), for ItemSelector's `$`. */
  effectiveInput: Json;
  /** Slots whose child succeeded (chunked like `results`; 1 = succeeded): a redrive re-runs only the others. */
  ok?: Json[][];
  /** Original JSON text of child results by slot, where it differs from JSON.stringify (Frame.inputText). */
  texts?: Record<string, string>;
  /** First failure, reported when the state fails. */
  failure?: { error: string; cause?: string };
  /** Distributed map: the map run ARN. */
  mapRunArn?: string;
  /** Set once the state has failed/ended: late children are ignored. */
  closed?: boolean;
}

export interface Frame {
  id: string;
  parent?: string;
  /** Branch index (Parallel) or item index (Map) in the parent. */
  slot?: number;
  /** Path of the machine (Program.machines key) whose state this frame is in. */
  machine: string;
  state: string;
  phase: Phase;
  /** Raw input of the current state. */
  input: Json;
  /**
   * The input's original JSON text, set only when it differs from JSON.stringify(input). AWS keeps the text a
   * value arrived in while the value flows through unchanged (AWS-recorded: StartExecution input
   * `[[1, 2, 3], [4, 5, 6]]` shows verbatim in the first StateEntered, in Parallel branches that pass it on,
   * and inside the Parallel's result `[[[[1, 2, 3], [4, 5, 6]]]]`); a value built anew is re-serialised.
   */
  inputText?: string;
  /** previousEventId chain of this frame. */
  prev: number;
  /** id and time of the current state's *StateEntered event. */
  enteredId: number;
  enteredAt: number;
  /** previousEventId of the *StateEntered event (AWS links EvaluationFailed to it). */
  enteredPrev: number;
  /** Set while a Retry re-runs the state: the handler runs again without a new *StateEntered. */
  reentry?: boolean;
  /** Variables visible to this frame (replaced wholesale on assignment: copy-on-write). */
  vars: Record<string, Json>;
  /** Attempts used per retrier of the current state. */
  attempts: number[];
  /** `$$.State.RetryCount`. */
  retryCount: number;
  /** `$$.Map.Item` for iteration frames. */
  mapItem?: { index: number; value: Json };
  /** Distributed Map iterations run as child executions: their events are not in this execution's history. */
  silent?: boolean;
  /** Set by a child frame's completion: the Parallel/Map state collects its results on the next turn. */
  collect?: boolean;
  task?: PendingTask;
  timerId?: string;
  agg?: Aggregate;
  result?: FrameResult;
  /** Type of the state whose uncaught error ended this frame (for *StateAborted in a failing Parallel). */
  failedStateType?: string;
  /** Set by a redrive: the Parallel/Map aggregate of the failed attempt, whose succeeded slots are kept. */
  redo?: Aggregate;
}

/**
 * Task and timer ids name their frame: `${frameId}/t12` (task), `/w` (Wait), `/r` (retry back-off), `/to`
 * (TimeoutSeconds), `/hb` (HeartbeatSeconds). So no id → frame index has to be copied on every step; an id is
 * live only while its frame still records it (a stale TimerFired or task answer is ignored).
 */
export const EXECUTION_TIMER = 'execution-timeout';

/** The frame id part of a task/timer id. */
export function frameOfId(id: string): string {
  const i = id.indexOf('/');
  return i < 0 ? id : id.slice(0, i);
}

/** Frames are spread over this many buckets so a step copies only the buckets it touches. */
export const BUCKETS = 512;

const BUCKET_NAMES: readonly string[] = Array.from({ length: BUCKETS }, (_, i) => String(i));

/** `String(Number(id.slice(1)) % BUCKETS)`, without the slice/number/string allocations for `f<digits>` ids. */
export function bucketOf(frameId: string): string {
  const len = frameId.length;
  if (len < 2 || len > 16) return String(Number(frameId.slice(1)) % BUCKETS);
  let n = 0;
  for (let i = 1; i < len; i++) {
    const c = frameId.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return String(Number(frameId.slice(1)) % BUCKETS);
    n = (n * 10 + c) % BUCKETS;
  }
  return BUCKET_NAMES[n]!;
}

export interface Internal {
  meta: ExecutionMeta;
  input: Json;
  /** PRNG state (src/asl/prng.ts). */
  rng: Json;
  /** Counter for deterministic task/timer/frame ids. */
  seq: number;
  /** Frames by bucket (bucketOf(id)) then id. */
  frames: Record<string, Record<string, Frame>>;
  /** Frames ready to run, in order (empty between steps unless the execution closed). */
  queue: string[];
  /** Set while the execution's TimeoutSeconds timer is armed. */
  executionTimer?: string;
  /** Set when the execution closed unsuccessfully: the top-level frame as it stood, for RedriveExecution. */
  parked?: Frame;
}

export const ROOT = 'f0';

export const RESULT_CHUNK = 256;

/** Empty (null-filled) chunked results for `size` slots. */
export function emptyResults(size: number): Json[][] {
  const chunks: Json[][] = [];
  for (let i = 0; i < size; i += RESULT_CHUNK) chunks.push(new Array<Json>(Math.min(RESULT_CHUNK, size - i)).fill(null));
  return chunks;
}

/**
 * Mark a slot as succeeded (chunked and copy-on-write like `results`). `owned`: chunks already copied in this
 * step (StepContext.ownedChunks), written in place instead of copied again.
 */
export function markOk(agg: Aggregate, slot: number, owned?: Set<Json[]>): void {
  agg.ok ??= emptyResults(agg.results.reduce((n, chunk) => n + chunk.length, 0));
  agg.ok[Math.floor(slot / RESULT_CHUNK)] = writeSlot(agg.ok, slot, 1, owned);
}

/** The chunk of `slot` with `value` written: the chunk itself when owned by this step, else a copy. */
function writeSlot(chunks: Json[][], slot: number, value: Json, owned: Set<Json[]> | undefined): Json[] {
  const old = chunks[Math.floor(slot / RESULT_CHUNK)];
  if (old !== undefined && owned?.has(old)) {
    old[slot % RESULT_CHUNK] = value;
    return old;
  }
  const chunk = [...(old ?? [])];
  chunk[slot % RESULT_CHUNK] = value;
  owned?.add(chunk);
  return chunk;
}

/** Did the slot's child succeed (in this attempt or a redriven earlier one)? */
export function isOk(agg: Aggregate | undefined, slot: number): boolean {
  return agg?.ok?.[Math.floor(slot / RESULT_CHUNK)]?.[slot % RESULT_CHUNK] === 1;
}

/** Record one result (copy-on-write of its chunk; the chunk array itself is copied with the frame). */
export function setResult(agg: Aggregate, slot: number, value: Json, owned?: Set<Json[]>): void {
  agg.results[Math.floor(slot / RESULT_CHUNK)] = writeSlot(agg.results, slot, value, owned);
}
