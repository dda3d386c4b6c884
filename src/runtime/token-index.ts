/**
 * The open `.waitForTaskToken` tokens, indexed both ways: token → (execution, task) for SendTask*, and each
 * execution's own tokens by task id (LiveExecution.tokens), so that closing a task or ending an execution drops
 * its tokens without scanning every open token.
 */
import type { LiveExecution } from './live-execution.js';

export class TokenIndex {
  private readonly byToken = new Map<string, { arn: string; taskId: string }>();

  /** The execution and task a token belongs to, while its task is open. */
  get(token: string): { arn: string; taskId: string } | undefined {
    return this.byToken.get(token);
  }

  /** Makes `token` valid for task `taskId` of `live` (a task re-dispatched with a new token drops the old one). */
  add(live: LiveExecution, taskId: string, token: string): void {
    const old = live.tokens?.get(taskId);
    if (old !== undefined) this.byToken.delete(old);
    this.byToken.set(token, { arn: live.arn, taskId });
    (live.tokens ??= new Map()).set(taskId, token);
  }

  /** Forgets one token (its task was answered); `live` is the execution it belongs to, when it is in memory. */
  forget(token: string, live: LiveExecution | undefined): void {
    const t = this.byToken.get(token);
    this.byToken.delete(token);
    if (t) live?.tokens?.delete(t.taskId);
  }

  /** Forgets the token of one task of `live` (the task was cancelled or timed out). */
  dropTask(live: LiveExecution, taskId: string): void {
    const token = live.tokens?.get(taskId);
    if (token === undefined) return;
    this.byToken.delete(token);
    live.tokens!.delete(taskId);
  }

  /** Forgets every token of `live` (the execution ended or is released). */
  dropAll(live: LiveExecution): void {
    if (live.tokens) for (const token of live.tokens.values()) this.byToken.delete(token);
    live.tokens = undefined;
  }
}
