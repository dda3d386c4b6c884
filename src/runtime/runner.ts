/**
 * The runner: per-execution mailboxes, one engine step at a time per execution, group commit, then act.
 *
 * A tick takes every execution with queued inputs, steps each through its inputs (executions concurrently,
 * inputs of one execution in order), commits all the resulting journal + history + state + outbox + timer rows
 * in ONE transaction, and only then resolves waiters and performs the commands (commit-then-act): a task is
 * dispatched only after the step that scheduled it is durable, and a Standard start is acknowledged only after
 * its ExecutionStarted event is committed.
 */
import type { EngineInput, HistoryEvent } from '../engine/contract.js';
import type { TaskDispatcher } from '../dispatch/types.js';
import type { ExecutionRow, NewExecution, Store } from '../store/index.js';
import type { Clock } from './clock.js';
import type { EnginePort } from './engine-port.js';
import { Effects } from './effects.js';
import { commitTick, loadState, rollBackTick, type CommitHook } from './persistence.js';
import { stepInputs } from './step-inputs.js';
import { TickScheduler } from './tick-scheduler.js';
import { Residency } from './residency.js';
import { StartHandle } from './start-handle.js';
import { TokenIndex } from './token-index.js';
import {
  pushTo, resultOf, storedResult, takeAll, type ExecutionResult, type LiveExecution, type TickWork,
} from './live-execution.js';

export interface RunnerOptions {
  store: Store;
  engine: EnginePort;
  dispatcher: TaskDispatcher;
  clock: Clock;
  log?: (line: string) => void;
  /** Called after each commit with the execution's new history events (the stream's feed). */
  onEvents?: (executionArn: string, events: HistoryEvent[]) => void;
  /** A stored execution's program: given, waiting executions may leave memory (residency.ts); else they stay parked. */
  programOf?: (row: ExecutionRow) => unknown;
}

export { StartHandle };

export interface StartRequest {
  row: NewExecution;
  program: unknown;
  persist: boolean;
  start: Extract<EngineInput, { kind: 'Start' }>;
}

export class Runner {
  /**
   * Executions with queued inputs. Replaced by a new Set at each tick, never cleared: Set.prototype.clear makes V8
   * link the old table to a new one, and the promoted old tables kept the next executions alive through
   * scavenges (measured: ~0.4 MB promoted per scavenge, ~0 with a new Set).
   */
  private ready = new Set<LiveExecution>();
  /** Set while a tick is under way: the park sweep waits for it (an execution being stepped is in no set). */
  private ticking = false;
  private readonly tokens = new TokenIndex();
  private readonly ticks = new TickScheduler(() => this.tick(), () => this.ready.size > 0);
  private readonly residents: Residency;
  private closed = false;
  private readonly commitHooks: CommitHook[] = [];
  private nextMemoryId = -1;

  private readonly effects: Effects;

  constructor(private readonly o: RunnerOptions) {
    this.effects = new Effects(o.clock, this.tokens, o.dispatcher, (l, i) => this.enqueue(l, i));
    this.residents = new Residency({
      store: o.store, clock: o.clock, effects: this.effects, tokens: this.tokens, queued: (live) => this.ready.has(live), ticking: () => this.ticking,
      ...(o.programOf ? { programOf: o.programOf } : {}), ...(o.log ? { log: o.log } : {}),
    });
  }

  /**
   * Starts an execution. `committed` resolves once its Start step is committed (or run, for in-memory
   * executions); `done` resolves with the result when it finishes.
   */
  start(req: StartRequest): StartHandle {
    const live = this.residents.track(req.row.arn, req.persist ? 0 : this.nextMemoryId--, req.persist, req.program, undefined);
    if (req.persist) live.insert = req.row;
    // Only an in-memory execution needs its result promise up front: nothing else keeps its result. A persisted
    // one's result is in the store once it ends, so its `done` is made when asked for: an execution started by
    // StartExecution (nobody awaits it) holds no promise and resolver (~300 B) while it waits.
    const done = req.persist ? undefined : new Promise<ExecutionResult>((resolve) => pushTo(live, 'doneWaiters', resolve));
    const committed = new Promise<LiveExecution>((resolve, reject) => {
      pushTo(live, 'commitWaiters', (err) => (err ? reject(err) : resolve(live)));
      this.enqueue(live, req.start);
    });
    return new StartHandle(live, committed, done, () => this.result(live.arn));
  }

  /** Resumes a RUNNING execution from the store after a restart (or leaves it there while it only waits: residency.ts). */
  resume(row: ExecutionRow, program: unknown): void {
    this.residents.resume(row, program);
  }

  /** RedriveExecution: reloads a finished execution and feeds it Redrive; true once it is committed RUNNING again. */
  redrive(row: ExecutionRow, program: unknown, input: Extract<EngineInput, { kind: 'Redrive' }>): Promise<boolean> {
    if (this.residents.find(row.arn) || !row.state) return Promise.resolve(false);
    const live = this.residents.track(row.arn, row.id, true, program, undefined);
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

  /** The execution held in memory, while it runs (not one waiting in the store on a distant timer). */
  get = (arn: string): LiveExecution | undefined => this.residents.get(arn);

  /** Queues an input for a running execution (resumed from the store if it left memory); false when not running. */
  send(arn: string, input: EngineInput): boolean {
    const live = this.residents.find(arn);
    if (live) this.enqueue(live, input);
    return !!live;
  }

  /**
   * Queues an input and resolves after the step that consumed it is committed. Rejects when that commit fails:
   * the input stays queued and is committed by a later attempt, but the caller is not told it is durable.
   */
  sendAndCommit(arn: string, input: EngineInput): Promise<boolean> {
    const live = this.residents.find(arn);
    return !live ? Promise.resolve(false) : new Promise((resolve, reject) => {
      pushTo(live, 'commitWaiters', (err) => (err ? reject(err) : resolve(true)));
      this.enqueue(live, input);
    });
  }

  /** The execution's result: when it finishes, if it runs (resumed from the store if it left memory), else as stored. */
  result(arn: string): Promise<ExecutionResult> {
    return this.waitFor(arn) ?? Promise.resolve(storedResult(this.o.store, arn, this.o.clock.now()));
  }

  /** Resolves with the result when the execution finishes; undefined when it is not running here. */
  waitFor(arn: string): Promise<ExecutionResult> | undefined {
    const live = this.residents.find(arn);
    return live && new Promise((resolve) => pushTo(live, 'doneWaiters', resolve));
  }

  /** The execution and task id a `.waitForTaskToken` token belongs to (resuming an execution that left memory). */
  taskForToken(token: string): { arn: string; taskId: string } | undefined {
    const known = this.tokens.get(token);
    if (known) return known;
    this.residents.resumeForToken(token);
    return this.tokens.get(token);
  }

  /** Forgets a token once its task has been completed (a second SendTaskSuccess is then TaskTimedOut). */
  forgetToken(token: string): void {
    const t = this.tokens.get(token);
    this.tokens.forget(token, t && this.residents.get(t.arn));
  }

  /** Stops ticking, disarms timers and abandons in-flight calls (the store keeps everything for recovery). */
  close(): void {
    this.closed = true;
    this.ticks.close();
    this.residents.close();
  }

  private enqueue(live: LiveExecution, input: EngineInput): void {
    // An execution no longer held (it ended, or left memory and may be held again as another object) takes no input.
    if (this.closed || !this.residents.holds(live)) return;
    pushTo(live, 'mailbox', input);
    this.ready.add(live);
    // TaskStarted needs no commit of its own: nothing is carried out on it. It rides along with the task's result
    // (or any other work) in the next tick, in mailbox order, so the history is the same (tick-scheduler.ts).
    this.ticks.queued(input.kind === 'TaskStarted');
  }

  private async tick(): Promise<void> {
    this.ticks.begin();
    try {
      this.ticking = true;
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
      this.ticking = false;
      this.ticks.end();
    }
  }

  /** Steps one execution through its queued inputs. */
  private async drain(live: LiveExecution): Promise<TickWork | undefined> {
    if (live.parked) await loadState(this.o.store, this.o.engine, live);
    const work = await stepInputs(live, takeAll(live, 'mailbox'), this.o.engine, this.o.log);
    if (!work) {
      // A refused Start (not acknowledged) or refused redrive leaves nothing to keep: forget the execution.
      for (const w of takeAll(live, 'commitWaiters')) w();
      if (!live.state || live.state.status !== 'RUNNING') this.residents.drop(live);
      // Only dropped inputs (a late answer): a stored execution reloaded for them goes back to be parked.
      else if (live.persist) this.residents.settled(live);
    }
    return work;
  }

  /** The tick's transaction failed: ticks pause for a back-off, its executions are rolled back (persistence.ts). */
  private commitFailed(persisted: TickWork[], err: Error): void {
    const attempt = this.ticks.failed();
    this.o.log?.(`runner: commit failed (attempt ${attempt}), retrying: ${err.stack ?? String(err)}`);
    rollBackTick(persisted, err, this.o.clock.now(), (live) => this.residents.drop(live), (live) => this.ready.add(live));
  }

  /** After commit: publish, then perform the commands. */
  private act({ live, state, commands, write }: TickWork): void {
    live.state = state;
    live.parked = undefined;
    for (const w of takeAll(live, 'commitWaiters')) w();
    if (write.events.length > 0) this.o.onEvents?.(live.arn, write.events);
    this.effects.perform(live, commands);
    if (state.status === 'RUNNING' && live.persist) this.residents.settled(live);
    if (state.status !== 'RUNNING') {
      const result = resultOf(state, write.stopMs ?? this.o.clock.now());
      for (const w of takeAll(live, 'doneWaiters')) w(result);
      this.residents.drop(live);
    }
  }
}
