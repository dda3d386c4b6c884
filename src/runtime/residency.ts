/**
 * Which executions the process holds (runner.ts): the map of LiveExecutions by ARN, parking (state dropped while
 * idle, parking.ts) and eviction (a stored execution waiting on a distant timer leaves memory altogether, and comes
 * back when the timer is near or an input arrives, wakeups.ts). Resuming an execution from the store — on boot, on
 * a wake-up, on an input for an evicted execution — re-arms its timers and re-issues its outstanding task commands.
 */
import type { ExecutionState } from '../engine/contract.js';
import type { DispatchTaskCommand } from '../dispatch/types.js';
import type { ExecutionRow, Store } from '../store/index.js';
import type { Clock } from './clock.js';
import type { Effects } from './effects.js';
import { failedResult, storedResult, takeAll, type LiveExecution } from './live-execution.js';
import { Parking } from './parking.js';
import type { TokenIndex } from './token-index.js';
import { Wakeups } from './wakeups.js';

export interface ResidencyDeps {
  store: Store;
  clock: Clock;
  effects: Effects;
  tokens: TokenIndex;
  /** Whether inputs are queued for the execution (it is then neither parked nor evicted). */
  queued: (live: LiveExecution) => boolean;
  /** Whether a tick is under way (the park sweep waits for its end: see Parking). */
  ticking: () => boolean;
  /** The program of a stored execution; without it executions are parked, never evicted (RunnerOptions). */
  programOf?: (row: ExecutionRow) => unknown;
  log?: (line: string) => void;
}

/** An outbox row: the command, and 1 once its TaskStarted, 2 once its TaskSubmitted is journalled. */
interface PendingCommand { started: number; cmd: DispatchTaskCommand }

export class Residency {
  private readonly live = new Map<string, LiveExecution>();
  private readonly parking: Parking;
  /** Set when executions can be resumed on their own (ResidencyDeps.programOf). */
  private readonly wakeups: Wakeups | undefined;
  private closed = false;

  constructor(private readonly d: ResidencyDeps) {
    this.parking = new Parking(
      (live) => !this.closed && this.live.get(live.arn) === live && !d.queued(live), (l, at) => this.evict(l, at), d.ticking);
    this.wakeups = d.programOf && new Wakeups({
      clock: d.clock, store: d.store, wake: (arn) => void this.find(arn), ...(d.log ? { log: d.log } : {}),
    });
  }

  /** The execution held in memory (not one waiting in the store on a distant timer: see find). */
  get(arn: string): LiveExecution | undefined {
    return this.live.get(arn);
  }

  /** Whether `live` is the object held for its ARN (not one that ended or left memory). */
  holds(live: LiveExecution): boolean {
    return this.live.get(live.arn) === live;
  }

  /** The running execution: held in memory, or resumed from the store when it had left memory. */
  find(arn: string): LiveExecution | undefined {
    const held = this.live.get(arn);
    if (held || !this.d.programOf || this.closed) return held;
    const row = this.d.store.executions.get(arn);
    return row?.status === 'RUNNING' ? this.hold(row, this.d.programOf(row)) : undefined;
  }

  /**
   * Resumes a RUNNING execution after a restart, its state loaded when its first input arrives. One that only
   * distant timers and answers to its submitted `.waitForTaskToken` tasks can wake is left in the store until a
   * timer is near or an answer comes (resumeForToken).
   */
  resume(row: ExecutionRow, program: unknown): void {
    const timers = this.d.store.executions.timers(row.id);
    let first = Infinity;
    for (const t of timers) first = Math.min(first, t.fireAt);
    let outbox: PendingCommand[] | undefined;
    if (this.wakeups?.mayEvict(first, this.d.clock.now())) {
      outbox = this.pending(row.id);
      const external = outbox.every((o) => o.started === 2 && o.cmd.taskToken !== undefined);
      if (external && timers.length + outbox.length > 0) {
        this.wakeups.evicted(first);
        return;
      }
    }
    this.hold(row, program, timers, outbox);
  }

  /**
   * Resumes the execution that issued `token` when it waits in the store only (its tokens left memory with it), so
   * that the runner's token index knows the token again if its task is still open. The execution is settled at
   * once: if no input follows (the token's task is closed, the answer's output is refused), the park sweep lets it
   * leave memory again; an input queued meanwhile keeps it (Parking).
   */
  resumeForToken(token: string): void {
    if (!this.d.programOf || this.closed) return;
    const arn = this.d.store.executions.runningWithToken(token);
    if (arn === undefined || this.live.has(arn)) return;
    const live = this.find(arn);
    if (live) this.settled(live);
  }

  /** Starts holding an execution (every field from the start: see below). */
  track(arn: string, id: number, persist: boolean, program: unknown, state: ExecutionState | undefined): LiveExecution {
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

  /**
   * Stops holding an execution that ended (or was never stored, or refused its Start): its timers, calls and tokens
   * are released, and callers still waiting for its result get what the store has (FAILED when it has no row).
   */
  drop(live: LiveExecution): void {
    this.d.effects.release(live);
    if (this.holds(live)) this.live.delete(live.arn);
    const waiting = takeAll(live, 'doneWaiters');
    if (waiting.length === 0) return;
    const now = this.d.clock.now();
    const notStarted = 'The execution could not be started';
    const result = live.persist ? storedResult(this.d.store, live.arn, now, notStarted) : failedResult(notStarted, now);
    for (const w of waiting) w(result);
  }

  /** A stored execution left RUNNING with nothing queued: park or evict it (parking.ts). */
  settled(live: LiveExecution): void {
    this.parking.settled(live, this.d.clock.now());
  }

  /** Releases every held execution (the store keeps everything for recovery). */
  close(): void {
    this.closed = true;
    this.parking.close();
    this.wakeups?.close();
    for (const live of this.live.values()) this.d.effects.release(live);
    this.live.clear();
  }

  /**
   * Holds a stored execution, parked: re-arms its timers, re-issues its task commands. Everything is read first, so
   * a read that fails leaves the execution as it was (in the store only), to be resumed again later.
   */
  private hold(
    row: ExecutionRow, program: unknown, timers = this.d.store.executions.timers(row.id), outbox = this.pending(row.id),
  ): LiveExecution {
    const live = this.track(row.arn, row.id, true, program, undefined);
    live.parked = true;
    for (const t of timers) this.d.effects.arm(live, t.timerId, t.fireAt);
    for (const { started, cmd } of outbox) {
      if (started >= 1) (live.startedTasks ??= new Set()).add(cmd.taskId);
      if (started === 2 && cmd.taskToken) this.d.tokens.add(live, cmd.taskId, cmd.taskToken);
      else this.d.effects.dispatch(live, cmd);
    }
    return live;
  }

  /** The execution's commands not yet carried out (outbox rows), parsed. */
  private pending(executionId: number): PendingCommand[] {
    return this.d.store.executions.outbox(executionId).map((o) => ({ started: o.started, cmd: JSON.parse(o.command) as DispatchTaskCommand }));
  }

  /**
   * Takes a parked execution out of memory, its earliest timer due at `fireAt` (Parking), when the wake-up sweep
   * can bring it back in time. Parking marks its stale object parked and stateless (a caller holding it sees a
   * stored, waiting execution); the runner queues no input on it.
   */
  private evict(live: LiveExecution, fireAt: number): void {
    if (!this.wakeups?.mayEvict(fireAt, this.d.clock.now())) return;
    this.drop(live);
    this.wakeups.evicted(fireAt);
  }
}
