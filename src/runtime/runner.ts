/**
 * The runner: per-execution mailboxes, one engine step at a time per execution, group commit, then act.
 *
 * A tick takes every execution with queued inputs, steps each through its inputs (executions concurrently,
 * inputs of one execution in order), commits all the resulting journal + history + state + outbox + timer rows
 * in ONE transaction, and only then resolves waiters and performs the commands (commit-then-act): a task is
 * dispatched only after the step that scheduled it is durable, and a Standard start is acknowledged only after
 * its ExecutionStarted event is committed.
 */
import type { EngineInput, ExecutionState, HistoryEvent } from '../engine/contract.js';
import type { DispatchTaskCommand, TaskDispatcher } from '../dispatch/types.js';
import type { ExecutionRow, NewExecution, Store } from '../store/index.js';
import type { Clock } from './clock.js';
import type { EnginePort } from './engine-port.js';
import { callTask, type TaskCallDeps } from './task-calls.js';
import { commitTick, loadState, type CommitHook } from './persistence.js';
import { Parking } from './parking.js';
import { TokenIndex } from './token-index.js';
import {
  accumulate, engineFailure, newWork, pushTo, resultOf, resultOfRow, takeAll, timerPut, timerTake, type ExecutionResult, type LiveExecution,
  type TickWork,
} from './live-execution.js';

/** How long a lone TaskStarted may wait for other work to share its commit. */
const LAZY_MS = 5;
/** Back-off after a failed commit (disk full, I/O error): 50 ms, doubling up to 5 s, until a commit succeeds. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 5000;

export interface RunnerOptions {
  store: Store;
  engine: EnginePort;
  dispatcher: TaskDispatcher;
  clock: Clock;
  log?: (line: string) => void;
  /** Called after each commit with the execution's new history events (the stream's feed). */
  onEvents?: (executionArn: string, events: HistoryEvent[]) => void;
}

export interface StartRequest {
  row: NewExecution;
  program: unknown;
  persist: boolean;
  start: Extract<EngineInput, { kind: 'Start' }>;
}

export class Runner {
  private readonly live = new Map<string, LiveExecution>();
  private readonly ready = new Set<LiveExecution>();
  private readonly tokens = new TokenIndex();
  private scheduled = false;
  /** An input other than TaskStarted is waiting: the next tick must come at once. */
  private urgent = false;
  private lazyTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly parking = new Parking((live) => !this.closed && this.live.get(live.arn) === live && !this.ready.has(live));
  private ticking = false;
  private closed = false;
  /** Consecutive failed commits, and the timer of the next attempt (no tick runs before it). */
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly commitHooks: CommitHook[] = [];
  private nextMemoryId = -1;

  private readonly callDeps: TaskCallDeps;

  constructor(private readonly o: RunnerOptions) {
    this.callDeps = {
      dispatcher: o.dispatcher, clock: o.clock, addToken: (l, id, token) => this.tokens.add(l, id, token), enqueue: (l, i) => this.enqueue(l, i),
    };
  }

  /**
   * Starts an execution. `committed` resolves once its Start step is committed (or run, for in-memory
   * executions); `done` resolves with the result when it finishes.
   */
  start(req: StartRequest): { live: LiveExecution; committed: Promise<LiveExecution>; readonly done: Promise<ExecutionResult> } {
    const live = this.track(req.row.arn, req.persist ? 0 : this.nextMemoryId--, req.persist, req.program, undefined);
    if (req.persist) live.insert = req.row;
    // Only an in-memory execution needs its result promise up front: nothing else keeps its result. A persisted
    // one's result is in the store once it ends, so its `done` is made when asked for: an execution started by
    // StartExecution (nobody awaits it) holds no promise and resolver (~300 B) while it waits.
    let done = req.persist ? undefined : new Promise<ExecutionResult>((resolve) => pushTo(live, 'doneWaiters', resolve));
    const committed = new Promise<LiveExecution>((resolve, reject) => {
      pushTo(live, 'commitWaiters', (err) => (err ? reject(err) : resolve(live)));
      this.enqueue(live, req.start);
    });
    const lazyDone = (): Promise<ExecutionResult> => (done ??= this.waitFor(live.arn) ?? Promise.resolve(this.storedResult(live.arn)));
    return { live, committed, get done() { return lazyDone(); } };
  }

  /**
   * Resumes a RUNNING execution from the store after a restart: re-arms timers, re-dispatches tasks. Its state is
   * loaded (snapshot + journal) when its first input arrives, as for a parked execution.
   */
  resume(row: ExecutionRow, program: unknown): void {
    const live = this.track(row.arn, row.id, true, program, undefined);
    live.parked = true;
    for (const t of this.o.store.executions.timers(row.id)) this.arm(live, t.timerId, t.fireAt);
    for (const o of this.o.store.executions.outbox(row.id)) {
      const cmd = JSON.parse(o.command) as DispatchTaskCommand;
      if (o.started >= 1) (live.startedTasks ??= new Set()).add(cmd.taskId);
      if (o.started === 2 && cmd.taskToken) this.tokens.add(live, cmd.taskId, cmd.taskToken);
      else this.dispatch(live, cmd);
    }
  }

  /** RedriveExecution: reloads a finished execution and feeds it Redrive; true once it is committed RUNNING again. */
  redrive(row: ExecutionRow, program: unknown, input: Extract<EngineInput, { kind: 'Redrive' }>): Promise<boolean> {
    if (this.live.has(row.arn) || !row.state) return Promise.resolve(false);
    const live = this.track(row.arn, row.id, true, program, undefined);
    live.parked = true;
    return new Promise((resolve, reject) => {
      pushTo(live, 'commitWaiters', (err) => (err ? reject(err) : resolve(live.state?.status === 'RUNNING')));
      this.enqueue(live, input);
    });
  }

  /**
   * Runs `hook` inside every commit, after each stored execution's write, with its new events: what it writes is
   * durable exactly when the step is (status-change bus events are recorded this way, so a crash between commit and
   * publish cannot lose one). A hook that throws is logged and skipped; it never fails the commit.
   */
  addCommitHook(hook: CommitHook): void {
    this.commitHooks.push(hook);
  }

  /** The in-memory execution, while it runs. */
  get = (arn: string): LiveExecution | undefined => this.live.get(arn);

  /** Queues an input for a running execution; false when it is not running here. */
  send(arn: string, input: EngineInput): boolean {
    const live = this.live.get(arn);
    if (live) this.enqueue(live, input);
    return !!live;
  }

  /**
   * Queues an input and resolves after the step that consumed it is committed. Rejects when that commit fails:
   * the input stays queued and is committed by a later attempt, but the caller is not told it is durable.
   */
  sendAndCommit(arn: string, input: EngineInput): Promise<boolean> {
    const live = this.live.get(arn);
    return !live ? Promise.resolve(false) : new Promise((resolve, reject) => {
      pushTo(live, 'commitWaiters', (err) => (err ? reject(err) : resolve(true)));
      this.enqueue(live, input);
    });
  }

  /** Resolves with the result when the execution finishes; undefined when it is not running here. */
  waitFor(arn: string): Promise<ExecutionResult> | undefined {
    const live = this.live.get(arn);
    return live && new Promise((resolve) => pushTo(live, 'doneWaiters', resolve));
  }

  /** The result of a persisted execution that has ended, read back from its committed row. */
  private storedResult(arn: string): ExecutionResult {
    const row = this.o.store.executions.get(arn);
    return row ? resultOfRow(row, this.o.clock.now())
      : { status: 'FAILED', error: 'States.Runtime', cause: 'The execution could not be stored', stopMs: this.o.clock.now() };
  }

  /** The execution and task id a `.waitForTaskToken` token belongs to. */
  taskForToken(token: string): { arn: string; taskId: string } | undefined {
    return this.tokens.get(token);
  }

  /** Forgets a token once its task has been completed (a second SendTaskSuccess is then TaskTimedOut). */
  forgetToken(token: string): void {
    const t = this.tokens.get(token);
    this.tokens.forget(token, t && this.live.get(t.arn));
  }

  /** Stops ticking, disarms timers and abandons in-flight calls (the store keeps everything for recovery). */
  close(): void {
    this.closed = true;
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.parking.close();
    for (const live of this.live.values()) this.release(live);
    this.live.clear();
  }

  private track(arn: string, id: number, persist: boolean, program: unknown, state: ExecutionState | undefined): LiveExecution {
    // Every field from the start, and cleared by assigning undefined, never `delete`: an object whose fields come and go
    // changes hidden class, and a delete of any but the last-added field turns it into a dictionary (~700 B more
    // per parked execution, measured).
    const live: LiveExecution = {
      arn, id, persist, program, state, mailbox: undefined, insert: undefined, timers: undefined, tasks: undefined, tokens: undefined,
      startedTasks: undefined, closedTasks: undefined, parked: undefined, sinceSnapshot: undefined, journalLen: undefined,
      commitWaiters: undefined, doneWaiters: undefined,
    };
    this.live.set(arn, live);
    return live;
  }

  private enqueue(live: LiveExecution, input: EngineInput): void {
    if (this.closed) return;
    pushTo(live, 'mailbox', input);
    this.ready.add(live);
    // TaskStarted needs no commit of its own: nothing is carried out on it. It rides along with the task's result
    // (or any other work) in the next tick, in mailbox order, so the history is the same; if nothing else comes
    // within LAZY_MS it is committed alone. This takes a fast Task from two commits to one.
    if (input.kind === 'TaskStarted') this.scheduleLazy();
    else {
      this.urgent = true;
      this.schedule();
    }
  }

  private scheduleLazy(): void {
    if (this.lazyTimer || this.scheduled || this.ticking || this.closed || this.retryTimer) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = undefined;
      if (this.ready.size > 0) this.schedule();
    }, LAZY_MS);
  }

  private schedule(): void {
    if (this.scheduled || this.ticking || this.closed || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => void this.tick());
  }

  private async tick(): Promise<void> {
    this.scheduled = false;
    this.ticking = true;
    this.urgent = false;
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    try {
      const batch = [...this.ready];
      this.ready.clear();
      const works = (await Promise.all(batch.map((live) => this.drain(live)))).filter((w): w is TickWork => !!w);
      if (this.closed) return;
      const persisted = works.filter((w) => w.live.persist);
      let committed = true;
      try {
        commitTick(this.o.store, persisted, this.commitHooks, this.o.log);
        this.failures = 0;
      } catch (e) {
        committed = false;
        this.commitFailed(persisted, e instanceof Error ? e : new Error(String(e)));
      }
      // Every execution whose work is durable (or needs no store) must take its new state even if acting on another
      // one throws.
      for (const work of works) {
        if (!committed && work.live.persist) continue;
        try {
          this.act(work);
        } catch (e) {
          this.o.log?.(`runner: acting on ${work.live.arn} failed: ${(e as Error).stack ?? String(e)}`);
        }
      }
    } catch (e) {
      this.o.log?.(`runner: tick failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      this.ticking = false;
      if (this.urgent) this.schedule();
      else if (this.ready.size > 0) this.scheduleLazy();
    }
  }

  /** Steps one execution through its queued inputs. */
  private async drain(live: LiveExecution): Promise<TickWork | undefined> {
    if (live.parked) await loadState(this.o.store, this.o.engine, live);
    const inputs = takeAll(live, 'mailbox');
    let work: TickWork | undefined;
    for (const input of inputs) {
      const state = work?.state ?? live.state;
      if (state && state.status !== 'RUNNING' && input.kind !== 'Redrive') break;
      if ('taskId' in input && live.closedTasks?.has(input.taskId)) continue;
      if (input.kind === 'TaskStarted' && live.startedTasks?.has(input.taskId)) continue;
      let result;
      try {
        result = await this.o.engine.step(live.program, state, input);
      } catch (e) {
        this.o.log?.(`runner: step of ${live.arn} failed on ${input.kind}: ${(e as Error).stack ?? String(e)}`);
        if (!state) continue;
        result = engineFailure(state, input, e);
      }
      // A refused redrive (nothing to restart) changes nothing: no journal entry, no write.
      if (input.kind === 'Redrive' && result.events.length === 0) continue;
      work ??= newWork(live, result.state, inputs);
      accumulate(work, input, result);
      if (input.kind === 'TaskStarted') {
        (live.startedTasks ??= new Set()).add(input.taskId);
        work.marked.started.push(input.taskId);
      }
      if (input.kind === 'TaskSucceeded' || input.kind === 'TaskFailed') {
        (live.closedTasks ??= new Set()).add(input.taskId);
        work.marked.closed.push(input.taskId);
      }
    }
    if (!work) {
      // A refused Start (not acknowledged) or refused redrive leaves nothing to keep: forget the execution.
      if (!live.state || live.state.status !== 'RUNNING') this.live.delete(live.arn);
      // Only dropped inputs (a late answer): a stored execution reloaded for them goes back to be parked.
      else if (live.persist) this.parking.settled(live, [], this.o.clock.now());
      for (const w of takeAll(live, 'commitWaiters')) w();
    }
    return work;
  }

  /**
   * The tick's transaction failed (disk full, I/O error) and was rolled back: nothing of it is durable and nothing of
   * it is acted on. An execution that was already stored gets its inputs back at the head of its mailbox, to be
   * stepped and committed again (the engine is deterministic, so the retry writes the same history); a new
   * execution, never stored, is forgotten and its StartExecution fails. Callers waiting for the commit get the
   * error. Ticks pause for a back-off, so a full disk is retried, not spun on.
   */
  private commitFailed(persisted: TickWork[], err: Error): void {
    this.failures++;
    this.o.log?.(`runner: commit failed (attempt ${this.failures}), retrying: ${err.stack ?? String(err)}`);
    for (const { live, inputs, marked } of persisted) {
      live.journalLen = undefined; // the next attempt reads the journal's length from the store
      for (const id of marked.started) live.startedTasks?.delete(id);
      for (const id of marked.closed) live.closedTasks?.delete(id);
      if (live.insert) {
        this.live.delete(live.arn);
        this.release(live);
        const result = { status: 'FAILED' as const, error: 'States.Runtime', cause: `The execution could not be stored: ${err.message}`, stopMs: this.o.clock.now() };
        for (const w of takeAll(live, 'doneWaiters')) w(result);
      } else {
        live.mailbox = [...inputs, ...(live.mailbox ?? [])];
        this.ready.add(live);
      }
      for (const w of takeAll(live, 'commitWaiters')) w(err);
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.urgent = true;
      this.schedule();
    }, delay);
  }

  /** After commit: publish, then perform the commands. */
  private act({ live, state, commands, write }: TickWork): void {
    live.state = state;
    for (const w of takeAll(live, 'commitWaiters')) w();
    if (write.events.length > 0) this.o.onEvents?.(live.arn, write.events);
    for (const c of commands) {
      switch (c.kind) {
        case 'DispatchTask': this.dispatch(live, c); break;
        case 'CancelTask': this.cancelTask(live, c.taskId); break;
        case 'StartTimer': this.arm(live, c.timerId, c.fireAt); break;
        case 'CancelTimer': this.o.clock.clearTimer(timerTake(live, c.timerId)); break;
      }
    }
    if (state.status === 'RUNNING' && live.persist) this.parking.settled(live, commands, this.o.clock.now());
    if (state.status !== 'RUNNING') {
      this.release(live);
      this.live.delete(live.arn);
      const result = resultOf(state, write.stopMs ?? this.o.clock.now());
      for (const w of takeAll(live, 'doneWaiters')) w(result);
    }
  }

  private cancelTask(live: LiveExecution, taskId: string): void {
    live.tasks?.get(taskId)?.abort();
    live.tasks?.delete(taskId);
    this.tokens.dropTask(live, taskId);
  }

  private release(live: LiveExecution): void {
    const timers = live.timers ?? [];
    for (let i = 1; i < timers.length; i += 2) this.o.clock.clearTimer(timers[i]);
    live.timers = undefined;
    if (live.tasks) for (const ac of live.tasks.values()) ac.abort();
    live.tasks?.clear();
    this.tokens.dropAll(live);
  }

  private arm(live: LiveExecution, timerId: string, fireAt: number): void {
    this.o.clock.clearTimer(timerTake(live, timerId));
    timerPut(live, timerId, this.o.clock.setTimer(fireAt, this.timerFired, live, timerId));
  }

  /** One function for every timer, given its execution and id (no closure per armed timer). */
  private readonly timerFired = (live: LiveExecution, timerId: string): void => {
    timerTake(live, timerId);
    this.enqueue(live, { kind: 'TimerFired', now: this.o.clock.now(), timerId });
  };

  private dispatch(live: LiveExecution, cmd: DispatchTaskCommand): void {
    callTask(this.callDeps, live, cmd);
  }
}

