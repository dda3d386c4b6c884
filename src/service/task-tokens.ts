/**
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. Two kinds of token: `.waitForTaskToken` tokens, known
 * to the runner from the commands it dispatched while their task is open (re-learned from the outbox on
 * recovery; every token issued is also kept in the store), and activity tokens, handed to workers by
 * GetActivityTask and kept in the store. AWS's errors: `InvalidToken` for a token that was never issued;
 * `TaskTimedOut` ("Task Timed Out: 'Provided task does not exist anymore'") for a token whose task is closed —
 * answered, timed out, or its execution ended; `InvalidOutput` for output that is not JSON.
 */
import type { TaskOutcome } from '../dispatch/types.js';
import type { ActivityTaskRow } from '../store/activities.js';
import { activitiesOf } from './activities.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from './errors.js';
import { parseInput } from './executions.js';
import { req } from './request.js';

const invalid = (token: string) => new ServiceError('InvalidToken', `Invalid Token: '${token}'`);
/** AWS's answer for a token whose task no longer waits for it, whatever closed the task. */
const closed = () => new ServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");

function taskOf(ctx: ServiceContext, token: string): { arn: string; taskId: string } {
  const t = ctx.runner.taskForToken(token);
  if (!t) throw ctx.store.executions.tokenIssued(token) ? closed() : invalid(token);
  return t;
}

/** The activity task a token names, if it is an activity token; throws when that task is closed. */
function openActivityTask(ctx: ServiceContext, token: string): ActivityTaskRow | undefined {
  const row = activitiesOf(ctx).repo.task(token);
  if (!row) return undefined;
  if (row.status === 'TIMED_OUT' || row.outcome !== null) throw closed();
  return row;
}

/** Completes an activity task; false when the token is not an activity token. */
async function completeActivity(ctx: ServiceContext, token: string, outcome: TaskOutcome): Promise<boolean> {
  if (!openActivityTask(ctx, token)) return false;
  await activitiesOf(ctx).queue.complete(token, outcome);
  return true;
}

export async function sendTaskSuccess(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const token = r.str('taskToken', { required: true, min: 1, max: 2048 });
  const outputText = r.str('output', { required: true, maxBytes: 262_144, sensitive: true });
  r.check();
  const activity = openActivityTask(ctx, token);
  const t = activity ? undefined : taskOf(ctx, token);
  let output;
  try {
    output = parseInput(outputText);
  } catch {
    throw new ServiceError('InvalidOutput', `Invalid Output: '${outputText}'`);
  }
  if (activity) {
    await completeActivity(ctx, token, { ok: true, output });
    return {};
  }
  ctx.runner.forgetToken(token);
  await ctx.runner.sendAndCommit(t!.arn, { kind: 'TaskSucceeded', now: ctx.clock.now(), taskId: t!.taskId, output });
  return {};
}

export async function sendTaskFailure(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const token = r.str('taskToken', { required: true, min: 1, max: 2048 });
  const error = r.str('error', { max: 256, sensitive: true });
  const cause = r.str('cause', { max: 32_768, sensitive: true });
  r.check();
  const outcome: TaskOutcome = { ok: false, error: error ?? '', ...(cause !== undefined ? { cause } : {}) };
  if (await completeActivity(ctx, token, outcome)) return {};
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
  const activity = openActivityTask(ctx, token);
  if (activity) {
    await activitiesOf(ctx).queue.heartbeat(activity);
    return {};
  }
  const t = taskOf(ctx, token);
  await ctx.runner.sendAndCommit(t.arn, { kind: 'TaskHeartbeat', now: ctx.clock.now(), taskId: t.taskId });
  return {};
}
