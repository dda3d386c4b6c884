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
import { Effects } from './effects.js';
import { commitTick, loadState, type CommitHook } from './persistence.js';
import { Parking } from './parking.js';
import { stepInputs } from './step-inputs.js';
import { TickScheduler } from './tick-scheduler.js';
import { TokenIndex } from './token-index.js';
import {
  pushTo, resultOf, resultOfRow, takeAll, type ExecutionResult, type LiveExecution, type TickWork,
} from './live-execution.js';

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

/**
 * What Runner.start returns; `done` is made when first read. A class, not an object literal with its own
 * `get done()`: with the literal, every scavenge promoted the objects of all recent executions to the old
 * generation, for the full GCs to free (Express W4: ~1 MB per scavenge, measured; docs/performance.md). The likely
 * mechanism: the getter is a new closure each time, so each literal gets a hidden class of its own, kept in the
 * old generation, which keeps the closure and all it captures alive through the next scavenge.
 */
export class StartHandle {
  constructor(
    readonly live: LiveExecution, readonly committed: Promise<LiveExecution>,
    private made: Promise<ExecutionResult> | undefined, private readonly make: () => Promise<ExecutionResult>,
  ) {}

  get done(): Promise<ExecutionResult> {
    return (this.made ??= this.make());
  }
}

export class Runner {
  private readonly live = new Map<string, LiveExecution>();
  /**
   * Executions with queued inputs. Replaced by a new Set at each tick, never cleared: Set.prototype.clear makes V8
   * link the old table to a new one, and the promoted old tables kept the next executions alive through
   * scavenges (measured: ~0.4 MB promoted per scavenge, ~0 with a new Set).
   */
  private ready = new Set<LiveExecution>();
  private readonly tokens = new TokenIndex();
  private readonly ticks = new TickScheduler(() => this.tick(), () => this.ready.size > 0);
  private readonly parking = new Parking((live) => !this.closed && this.live.get(live.arn) === live && !this.ready.has(live));
  private closed = false;
  private readonly commitHooks: CommitHook[] = [];
  private nextMemoryId = -1;

  private readonly effects: Effects;

  constructor(private readonly o: RunnerOptions) {
    this.effects = new Effects(o.clock, this.tokens, o.dispatcher, (l, i) => this.enqueue(l, i));
  }

  /**
   * Starts an execution. `committed` resolves once its Start step is committed (or run, for in-memory
   * executions); `done` resolves with the result when it finishes.
   */
  start(req: StartRequest): StartHandle {
    const live = this.track(req.row.arn, req.persist ? 0 : this.nextMemoryId--, req.persist, req.program, undefined);
    if (req.persist) live.insert = req.row;
    // Only an in-memory execution needs its result promise up front: nothing else keeps its result. A persisted
    // one's result is in the store once it ends, so its `done` is made when asked for: an execution started by
    // StartExecution (nobody awaits it) holds no promise and resolver (~300 B) while it waits.
    const done = req.persist ? undefined : new Promise<ExecutionResult>((resolve) => pushTo(live, 'doneWaiters', resolve));
    const committed = new Promise<LiveExecution>((resolve, reject) => {
      pushTo(live, 'commitWaiters', (err) => (err ? reject(err) : resolve(live)));
      this.enqueue(live, req.start);
    });
    return new StartHandle(live, committed, done, () => this.waitFor(live.arn) ?? Promise.resolve(this.storedResult(live.arn)));
  }

  /**
   * Resumes a RUNNING execution from the store after a restart: re-arms timers, re-dispatches tasks. Its state is
   * loaded (snapshot + journal) when its first input arrives, as for a parked execution.
   */
  resume(row: ExecutionRow, program: unknown): void {
    const live = this.track(row.arn, row.id, true, program, undefined);
    live.parked = true;
    for (const t of this.o.store.executions.timers(row.id)) this.effects.arm(live, t.timerId, t.fireAt);
    for (const o of this.o.store.executions.outbox(row.id)) {
      const cmd = JSON.parse(o.command) as DispatchTaskCommand;
      if (o.started >= 1) (live.startedTasks ??= new Set()).add(cmd.taskId);
      if (o.started === 2 && cmd.taskToken) this.tokens.add(live, cmd.taskId, cmd.taskToken);
      else this.effects.dispatch(live, cmd);
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
    this.ticks.close();
    this.parking.close();
    for (const live of this.live.values()) this.effects.release(live);
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
    // (or any other work) in the next tick, in mailbox order, so the history is the same (tick-scheduler.ts).
    this.ticks.queued(input.kind === 'TaskStarted');
  }

  private async tick(): Promise<void> {
    this.ticks.begin();
    try {
      const batch = [...this.ready];
      this.ready = new Set();
      const works = (await Promise.all(batch.map((live) => this.drain(live)))).filter((w): w is TickWork => !!w);
      if (this.closed) return;
      const persisted = works.filter((w) => w.live.persist);
      let committed = true;
      try {
        commitTick(this.o.store, persisted, this.commitHooks, this.o.log);
        this.ticks.committed();
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
      this.ticks.end();
    }
  }

  /** Steps one execution through its queued inputs. */
  private async drain(live: LiveExecution): Promise<TickWork | undefined> {
    if (live.parked) await loadState(this.o.store, this.o.engine, live);
    const work = await stepInputs(live, takeAll(live, 'mailbox'), this.o.engine, this.o.log);
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
    const attempt = this.ticks.failed();
    this.o.log?.(`runner: commit failed (attempt ${attempt}), retrying: ${err.stack ?? String(err)}`);
    for (const { live, inputs, marked } of persisted) {
      live.journalLen = undefined; // the next attempt reads the journal's length from the store
      for (const id of marked.started) live.startedTasks?.delete(id);
      for (const id of marked.closed) live.closedTasks?.delete(id);
      if (live.insert) {
        this.live.delete(live.arn);
        this.effects.release(live);
        const result = { status: 'FAILED' as const, error: 'States.Runtime', cause: `The execution could not be stored: ${err.message}`, stopMs: this.o.clock.now() };
        for (const w of takeAll(live, 'doneWaiters')) w(result);
      } else {
        live.mailbox = [...inputs, ...(live.mailbox ?? [])];
        this.ready.add(live);
      }
      for (const w of takeAll(live, 'commitWaiters')) w(err);
    }
  }

  /** After commit: publish, then perform the commands. */
  private act({ live, state, commands, write }: TickWork): void {
    live.state = state;
    for (const w of takeAll(live, 'commitWaiters')) w();
    if (write.events.length > 0) this.o.onEvents?.(live.arn, write.events);
    this.effects.perform(live, commands);
    if (state.status === 'RUNNING' && live.persist) this.parking.settled(live, commands, this.o.clock.now());
    if (state.status !== 'RUNNING') {
      this.effects.release(live);
      this.live.delete(live.arn);
      const result = resultOf(state, write.stopMs ?? this.o.clock.now());
      for (const w of takeAll(live, 'doneWaiters')) w(result);
    }
  }
}
