/**
 * Carrying out an execution's committed commands (commit-then-act, runner.ts): task calls (task-calls.ts), their
 * cancellation, timers armed on the clock — and releasing all of them when the execution ends or the runner
 * closes. Timer and call outcomes come back to the execution's mailbox as engine inputs through `enqueue`.
 */
import type { Command, EngineInput } from '../engine/contract.js';
import type { DispatchTaskCommand, TaskDispatcher } from '../dispatch/types.js';
import type { Clock } from './clock.js';
import { timerPut, timerTake, type LiveExecution } from './live-execution.js';
import { callTask, type TaskCallDeps } from './task-calls.js';
import type { TokenIndex } from './token-index.js';

export class Effects {
  private readonly callDeps: TaskCallDeps;

  constructor(
    private readonly clock: Clock, private readonly tokens: TokenIndex, dispatcher: TaskDispatcher,
    private readonly enqueue: (live: LiveExecution, input: EngineInput) => void,
  ) {
    this.callDeps = { dispatcher, clock, addToken: (l, id, token) => tokens.add(l, id, token), enqueue };
  }

  perform(live: LiveExecution, commands: readonly Command[]): void {
    for (const c of commands) {
      switch (c.kind) {
        case 'DispatchTask': this.dispatch(live, c); break;
        case 'CancelTask': this.cancelTask(live, c.taskId); break;
        case 'StartTimer': this.arm(live, c.timerId, c.fireAt); break;
        case 'CancelTimer': this.clock.clearTimer(timerTake(live, c.timerId)); break;
      }
    }
  }

  dispatch(live: LiveExecution, cmd: DispatchTaskCommand): void {
    callTask(this.callDeps, live, cmd);
  }

  arm(live: LiveExecution, timerId: string, fireAt: number): void {
    this.clock.clearTimer(timerTake(live, timerId));
    timerPut(live, timerId, this.clock.setTimer(fireAt, this.timerFired, live, timerId), fireAt);
  }

  /** Disarms the execution's timers, abandons its calls and forgets its tokens. */
  release(live: LiveExecution): void {
    const timers = live.timers ?? [];
    for (let i = 1; i < timers.length; i += 3) this.clock.clearTimer(timers[i]);
    live.timers = undefined;
    if (live.tasks) for (const ac of live.tasks.values()) ac.abort();
    live.tasks = undefined;
    this.tokens.dropAll(live);
  }

  private cancelTask(live: LiveExecution, taskId: string): void {
    live.tasks?.get(taskId)?.abort();
    live.tasks?.delete(taskId);
    this.tokens.dropTask(live, taskId);
  }

  /** One function for every timer, given its execution and id (no closure per armed timer). */
  private readonly timerFired = (live: LiveExecution, timerId: string): void => {
    timerTake(live, timerId);
    this.enqueue(live, { kind: 'TimerFired', now: this.clock.now(), timerId });
  };
}
