/**
 * One execution held in memory by the runner: its mailbox, cached engine state, armed timers and in-flight
 * tasks. `accumulate` folds one engine step into the pending write of the current tick (pure bookkeeping).
 */
import type { Command, EngineInput, ExecutionState, ExecutionStatus, StepResult } from '../engine/contract.js';
import type { ExecutionRow, NewExecution, StepWrite, Store } from '../store/index.js';
import type { TaskCancel } from '../dispatch/cancel-signal.js';
import { journalEntry } from './journal-entry.js';

/** What an execution came to, as DescribeExecution / StartSyncExecution report it. */
export interface ExecutionResult {
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  stopMs: number;
}

export interface LiveExecution {
  arn: string;
  /** Row id in the store; 0 until the start is committed; negative for in-memory (Express) executions. */
  id: number;
  persist: boolean;
  program: unknown;
  state: ExecutionState | undefined;
  /** Inputs waiting for the next tick (taken whole by it: see takeAll). */
  mailbox: EngineInput[] | undefined;
  /** Set until the row is inserted: the new execution's record, inserted in the tick that runs its Start. */
  insert: NewExecution | undefined;
  // The mailbox, the waiter lists, timers, tasks, startedTasks and closedTasks are created on first use (the lists
  // are dropped again when taken): a parked execution waiting on a Wait holds only its timer triple (each empty array
  // is ~32 B, each empty Map/Set ~150 B; the three lists were ~100 B of a parked execution's ~850 B, measured).
  /**
   * Armed timers as flat [timerId, clock handle, due time, ...] triples: an execution has one or two at a time (a
   * Wait, a retry back-off, a Task or execution timeout), and a 3-slot array is far smaller than an empty Map (see
   * timerTake/timerPut). The due times (boxed numbers, ~16 B each) tell parking whether only distant timers can
   * wake the execution.
   */
  timers: unknown[] | undefined;
  tasks: Map<string, TaskCancel> | undefined;
  /** This execution's open `.waitForTaskToken` tokens by task id (the runner's token index holds them too). */
  tokens: Map<string, string> | undefined;
  /** Tasks whose TaskStarted is already journalled (never fed twice, even after a re-dispatch). */
  startedTasks: Set<string> | undefined;
  /**
   * Tasks already completed: a late answer for one (the call returning after SendTaskSuccess closed a
   * `.waitForTaskToken` task) is dropped, never fed to the engine. Task ids are never reused in an execution.
   */
  closedTasks: Set<string> | undefined;
  /**
   * Set while the execution is parked (idle, nothing queued or in flight: at once when only a distant timer can
   * wake it, else at the next park sweep; parking.ts):
   * `state` is dropped to save memory (~1.3 KB) and reloaded from the store's committed copy, the same JSON
   * recovery resumes from, when the next input arrives.
   */
  parked: true | undefined;
  /**
   * Commits since the stored state snapshot was last rewritten (at most the journal entries a reload replays). A
   * commit between snapshots writes no state: the snapshot plus the journal rebuild it (Runner.load).
   */
  sinceSnapshot: number | undefined;
  /** Journal entries committed so far, when known (saves the store a read per commit). */
  journalLen: number | undefined;
  /** Called after the next commit that includes this execution; with the error when that commit failed. */
  commitWaiters: ((err?: Error) => void)[] | undefined;
  doneWaiters: ((r: ExecutionResult) => void)[] | undefined;
}

type ListKey = 'mailbox' | 'commitWaiters' | 'doneWaiters';
type ListOf<K extends ListKey> = NonNullable<LiveExecution[K]>;

/** Appends to one of the execution's lists, creating it on first use (as a literal: see timerPut). */
export function pushTo<K extends ListKey>(live: LiveExecution, key: K, item: ListOf<K>[number]): void {
  const list = live[key] as ListOf<K>[number][] | undefined;
  if (list) list.push(item);
  else live[key] = [item] as ListOf<K>;
}

/** What takeAll returns for a list never created: shared, so the tick allocates nothing for it. */
const NONE: readonly never[] = Object.freeze([]);

/** Takes one of the execution's lists whole (empty when it had none) and drops it from the execution. */
export function takeAll<K extends ListKey>(live: LiveExecution, key: K): Readonly<ListOf<K>> {
  const items = live[key];
  live[key] = undefined;
  return (items ?? NONE) as Readonly<ListOf<K>>;
}

/** The effects of one tick's steps for one execution: the store write and the commands to carry out. */
export interface TickWork {
  live: LiveExecution;
  /** The store write; its executionId, insert, journalFrom and state are filled in by commitTick (persistence.ts). */
  write: StepWrite;
  commands: Command[];
  state: ExecutionState;
  /** Every input the tick took from the mailbox, in order: put back if the commit fails. */
  inputs: readonly EngineInput[];
  /** Task ids this tick added to live.startedTasks / live.closedTasks: taken out again if the commit fails. */
  marked: { started: string[]; closed: string[] };
}

/** Records the clock handle of timer `id`, due at `fireAt` (replacing none: the caller took the old one first). */
export function timerPut(live: LiveExecution, id: string, handle: unknown, fireAt: number): void {
  // A literal, not push onto []: push grows an empty array's store to 17 slots (~150 B) for the usual 3.
  if (live.timers) live.timers.push(id, handle, fireAt);
  else live.timers = [id, handle, fireAt];
}

/** The due time of the execution's earliest armed timer (Infinity when it has none). */
export function firstTimer(live: LiveExecution): number {
  const t = live.timers;
  let first = Infinity;
  if (t) for (let i = 2; i < t.length; i += 3) first = Math.min(first, t[i] as number);
  return first;
}

/** Removes timer `id` from the execution; its clock handle, or undefined. */
export function timerTake(live: LiveExecution, id: string): unknown {
  const t = live.timers;
  if (!t) return undefined;
  for (let i = 0; i < t.length; i += 3) {
    if (t[i] === id) {
      const handle = t[i + 1];
      t.splice(i, 3);
      return handle;
    }
  }
  return undefined;
}

/** Starts an empty TickWork for `live`. */
export function newWork(live: LiveExecution, state: ExecutionState, inputs: readonly EngineInput[]): TickWork {
  return {
    live,
    state,
    inputs,
    marked: { started: [], closed: [] },
    commands: [],
    // Every member from the start (commitTick fills in the last four): one hidden class, no transitions.
    write: {
      journal: [], events: [], status: state.status, output: null, error: null, cause: null,
      stopMs: null, outbox: [], timers: [], redrive: undefined, executionId: 0, insert: undefined, journalFrom: undefined, state: undefined,
    },
  };
}

/**
 * Folds one input and the engine's answer into the tick's work. The journal, outbox and timer rows only matter to
 * an execution that is stored: an in-memory (Express) one keeps just its events, commands and state.
 */
export function accumulate(work: TickWork, input: EngineInput, result: StepResult): void {
  const w = work.write;
  append(w.events, result.events);
  append(work.commands, result.commands);
  const s = result.state;
  work.state = s;
  w.status = s.status;
  w.output = s.output ?? null;
  w.error = s.error ?? null;
  w.cause = s.cause ?? null;
  w.stopMs = s.status === 'RUNNING' ? null : input.now;
  if (!work.live.persist) return;
  w.journal.push(journalEntry(input));
  switch (input.kind) {
    case 'TaskStarted': w.outbox.push({ taskId: input.taskId, mark: 1 }); break;
    case 'TaskSubmitted': w.outbox.push({ taskId: input.taskId, mark: 2 }); break;
    case 'TaskSucceeded':
    case 'TaskFailed': w.outbox.push({ taskId: input.taskId, delete: true }); break;
    case 'TimerFired': w.timers.push({ timerId: input.timerId, fireAt: null }); break;
    default: break;
  }
  for (const c of result.commands) {
    switch (c.kind) {
      case 'DispatchTask':
        w.outbox.push(c.taskToken === undefined
          ? { taskId: c.taskId, command: JSON.stringify(c) }
          : { taskId: c.taskId, command: JSON.stringify(c), token: c.taskToken });
        break;
      case 'CancelTask': w.outbox.push({ taskId: c.taskId, delete: true }); break;
      case 'StartTimer': w.timers.push({ timerId: c.timerId, fireAt: c.fireAt }); break;
      case 'CancelTimer': w.timers.push({ timerId: c.timerId, fireAt: null }); break;
    }
  }
  const redriven = input.kind === 'Redrive' ? result.events.find((e) => e.type === 'ExecutionRedriven')?.executionRedrivenEventDetails : undefined;
  if (redriven && typeof redriven === 'object' && !Array.isArray(redriven)) {
    w.redrive = { count: Number(redriven.redriveCount ?? 0), ms: input.now };
  }
}

/** push(...items) without spreading: a step of a 100,000-item Map returns more items than a call takes arguments. */
function append<T>(to: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) to.push(items[i]!);
}

/** The final result of a finished execution's state. */
export function resultOf(state: ExecutionState, stopMs: number): ExecutionResult {
  return {
    status: state.status,
    stopMs,
    ...(state.output !== undefined ? { output: state.output } : {}),
    ...(state.error !== undefined ? { error: state.error } : {}),
    ...(state.cause !== undefined ? { cause: state.cause } : {}),
  };
}

/** The result of a stored execution as its row records it (`now` stands in for a missing stop time). */
export function resultOfRow(row: ExecutionRow, now: number): ExecutionResult {
  return {
    status: row.status as ExecutionResult['status'],
    stopMs: row.stopMs ?? now,
    ...(row.output !== null ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
  };
}

/** The result the runner gives callers of an execution that never ran to a stored end (States.Runtime). */
export function failedResult(cause: string, now: number): ExecutionResult {
  return { status: 'FAILED', error: 'States.Runtime', cause, stopMs: now };
}

/** The result of a persisted execution read back from its committed row (`missing` when it has none). */
export function storedResult(store: Store, arn: string, now: number, missing = 'The execution could not be stored'): ExecutionResult {
  const row = store.executions.get(arn);
  return row ? resultOfRow(row, now) : failedResult(missing, now);
}

/**
 * What the runner records when the engine throws on an input (an engine bug): the execution fails with
 * States.Runtime instead of hanging RUNNING forever with an input it can never consume.
 */
export function engineFailure(state: ExecutionState, input: EngineInput, err: unknown): StepResult {
  const cause = `The engine failed on ${input.kind}: ${err instanceof Error ? err.message : String(err)}`;
  const id = state.nextEventId;
  return {
    state: { ...state, status: 'FAILED', nextEventId: id + 1, error: 'States.Runtime', cause },
    events: [{ id, previousEventId: id - 1, type: 'ExecutionFailed', timestamp: input.now, executionFailedEventDetails: { error: 'States.Runtime', cause } }],
    commands: [],
  };
}
