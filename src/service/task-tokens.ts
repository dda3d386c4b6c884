/**
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat for `.waitForTaskToken` tasks. Tokens are known to the
 * runner from the commands it dispatched (and re-learned from the outbox on recovery).
 */
import type { ServiceContext } from './context.js';
import { ServiceError } from './errors.js';
import { parseInput } from './executions.js';
import { req } from './request.js';

function taskOf(ctx: ServiceContext, token: string): { arn: string; taskId: string } {
  const t = ctx.runner.taskForToken(token);
  if (!t) throw new ServiceError('InvalidToken', `Invalid Token: '${token}'`);
  return t;
}

export async function sendTaskSuccess(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const token = r.str('taskToken', { required: true, min: 1, max: 2048 });
  const outputText = r.str('output', { required: true, maxBytes: 262_144, sensitive: true });
  r.check();
  const t = taskOf(ctx, token);
  let output;
  try {
    output = parseInput(outputText);
  } catch {
    throw new ServiceError('InvalidOutput', `Invalid Output: '${outputText}'`);
  }
  ctx.runner.forgetToken(token);
  await ctx.runner.sendAndCommit(t.arn, { kind: 'TaskSucceeded', now: ctx.clock.now(), taskId: t.taskId, output });
  return {};
}

export async function sendTaskFailure(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const token = r.str('taskToken', { required: true, min: 1, max: 2048 });
  const error = r.str('error', { max: 256, sensitive: true });
  const cause = r.str('cause', { max: 32_768, sensitive: true });
  r.check();
  const t = taskOf(ctx, token);
  ctx.runner.forgetToken(token);
  await ctx.runner.sendAndCommit(t.arn, {
    kind: 'TaskFailed', now: ctx.clock.now(), taskId: t.taskId, error: error ?? '', ...(cause !== undefined ? { cause } : {}),
  });
  return {};
}

export async function sendTaskHeartbeat(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const token = r.str('taskToken', { required: true, min: 1, max: 2048 });
  r.check();
  const t = taskOf(ctx, token);
  await ctx.runner.sendAndCommit(t.arn, { kind: 'TaskHeartbeat', now: ctx.clock.now(), taskId: t.taskId });
  return {};
}
