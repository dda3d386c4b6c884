/**
 * The activity dispatcher: a Task whose Resource is an activity ARN parks here (a durable SCHEDULED row) until a
 * worker's GetActivityTask claims it; the runner is then told TaskStarted (AWS: ActivityStarted{workerName}),
 * and the result arrives through SendTaskSuccess / SendTaskFailure with the token the worker was given. A task
 * survives a restart: recovery re-dispatches it, and the row says whether to re-offer it (still SCHEDULED), to keep
 * waiting for its worker (STARTED), or to replay the outcome it already had (closed).
 */
import { randomBytes } from 'node:crypto';
import type { DispatchHooks, DispatchTaskCommand, TaskDispatcher, TaskOutcome } from '../dispatch/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Runner } from '../runtime/runner.js';
import type { ActivityRepo, ActivityTaskRow } from '../store/activities.js';
import type { CancelSignal } from '../dispatch/cancel-signal.js';

interface Parked {
  executionArn: string;
  taskId: string;
  hooks: DispatchHooks | undefined;
  resolve: (o: TaskOutcome) => void;
}

export interface ActivityQueueDeps {
  repo: ActivityRepo;
  clock: Clock;
  runner: () => Runner;
  log?: (line: string) => void;
}

/** Activity tokens: 64 random hex digits (never the format of `.waitForTaskToken` tokens). */
const newToken = () => `act-${randomBytes(32).toString('hex')}`;

/** Parked activity tasks and waiting pollers; stateful edge. */
export class ActivityQueue implements TaskDispatcher {
  private readonly parked = new Map<string, Parked>();
  private readonly pollers = new Map<string, Set<() => void>>();
  /** Set while the service shuts down: aborted calls then stay open in the store for recovery. */
  closing = false;

  constructor(private readonly d: ActivityQueueDeps) {}

  async dispatch(cmd: DispatchTaskCommand, signal: CancelSignal, hooks?: DispatchHooks): Promise<TaskOutcome> {
    // The runner names the execution of every call it makes (runtime/task-calls.ts).
    const executionArn = hooks?.executionArn;
    if (executionArn === undefined) return { ok: false, error: 'States.Runtime', cause: `Cannot place activity task ${cmd.taskId}: its execution is unknown` };
    let row = this.d.repo.taskOf(executionArn, cmd.taskId);
    if (!row) {
      if (!this.d.repo.get(cmd.resource)) {
        // No worker can ever take it: the task fails without having started.
        return { ok: false, error: 'States.Runtime', cause: `Activity Does Not Exist: '${cmd.resource}'` };
      }
      const token = newToken();
      this.d.repo.addTask({ token, activityArn: cmd.resource, executionArn, taskId: cmd.taskId, input: JSON.stringify(cmd.payload), nowMs: this.d.clock.now() });
      row = this.d.repo.task(token)!;
    }
    if (row.outcome !== null) return JSON.parse(row.outcome) as TaskOutcome;
    const token = row.token;
    return new Promise<TaskOutcome>((resolve) => {
      this.parked.set(token, { executionArn, taskId: cmd.taskId, hooks, resolve });
      signal.addEventListener('abort', () => {
        if (!this.parked.has(token)) return;
        this.parked.delete(token);
        // The engine cancelled the task (TimeoutSeconds / HeartbeatSeconds elapsed, or the execution ended):
        // a late SendTask* for it is TaskTimedOut. On shutdown the row stays open for recovery.
        const outcome: TaskOutcome = { ok: false, error: 'States.Timeout' };
        if (!this.closing) this.d.repo.close(token, 'TIMED_OUT', JSON.stringify(outcome), this.d.clock.now());
        resolve(outcome);
      }, { once: true });
      if (row.status === 'SCHEDULED') this.wake(row.activityArn);
      // Re-dispatched after a restart while a worker holds it: make sure TaskStarted is journalled (the runner
      // drops it when it already is).
      else hooks?.onStarted?.(row.workerName !== null ? { workerName: row.workerName } : {});
    });
  }

  /** Hands the oldest waiting task of an activity to one worker, or undefined when none waits. */
  claim(activityArn: string, workerName: string | undefined): ActivityTaskRow | undefined {
    for (;;) {
      const row = this.d.repo.claim(activityArn, workerName ?? null, this.d.clock.now());
      if (!row) return undefined;
      const p = this.parked.get(row.token);
      if (!p) {
        // An orphan (its execution is not running here): close it rather than hand it out.
        this.d.repo.close(row.token, 'TIMED_OUT', JSON.stringify({ ok: false, error: 'States.Timeout' }), this.d.clock.now());
        continue;
      }
      p.hooks?.onStarted?.(workerName !== undefined ? { workerName } : {});
      return row;
    }
  }

  /** Waits until a task may be available for `activityArn` or `ms` elapse; resolves true when woken. */
  waitForTask(activityArn: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let set = this.pollers.get(activityArn);
      if (!set) this.pollers.set(activityArn, (set = new Set()));
      const done = (woken: boolean) => {
        clearTimeout(timer);
        set!.delete(wake);
        if (set!.size === 0) this.pollers.delete(activityArn);
        resolve(woken);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      timer.unref();
      set.add(wake);
      signal?.addEventListener('abort', () => done(false), { once: true });
    });
  }

  /**
   * SendTaskSuccess / SendTaskFailure on an activity token: closes the row (keeping the outcome), commits the
   * result to the execution, then releases the parked call. Returns the row as it was, or undefined when the
   * token is not an activity token.
   */
  async complete(token: string, outcome: TaskOutcome): Promise<ActivityTaskRow | undefined> {
    const row = this.d.repo.task(token);
    if (!row || row.outcome !== null) return row;
    const p = this.parked.get(token);
    this.parked.delete(token);
    this.d.repo.close(token, outcome.ok ? 'SUCCEEDED' : 'FAILED', JSON.stringify(outcome), this.d.clock.now());
    const now = this.d.clock.now();
    await this.d.runner().sendAndCommit(row.executionArn, outcome.ok
      ? { kind: 'TaskSucceeded', now, taskId: row.taskId, output: outcome.output }
      : { kind: 'TaskFailed', now, taskId: row.taskId, error: outcome.error, ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}) });
    p?.resolve(outcome);
    return row;
  }

  /** SendTaskHeartbeat on an activity token: re-arms the engine's HeartbeatSeconds timer. */
  async heartbeat(row: ActivityTaskRow): Promise<void> {
    await this.d.runner().sendAndCommit(row.executionArn, { kind: 'TaskHeartbeat', now: this.d.clock.now(), taskId: row.taskId });
  }

  /** Shutdown: pollers answer at once (with no task); parked calls stay open in the store. */
  close(): void {
    this.closing = true;
    for (const set of this.pollers.values()) for (const w of [...set]) w();
  }

  private wake(activityArn: string): void {
    const set = this.pollers.get(activityArn);
    const first = set?.values().next().value;
    first?.();
  }
}
