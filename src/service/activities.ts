/**
 * Activity operations: CreateActivity (idempotent by name), DescribeActivity, ListActivities (paged by name),
 * DeleteActivity, and GetActivityTask — a long poll (AWS holds up to 60 s; we answer within `pollSeconds`, 55 by
 * default, under the CLI's 60 s read timeout) that hands each task to exactly one worker and answers `{}` when
 * none arrived.
 */
import type { ActivityRepo } from '../store/activities.js';
import type { ActivityQueue } from './activity-tasks.js';
import type { ServiceContext } from './context.js';
import { invalidArn, ServiceError } from './errors.js';
import { pageSize, pageToken, req, validName } from './request.js';
import { applyTags, readTags } from './tags.js';

interface Activities {
  repo: ActivityRepo;
  queue: ActivityQueue;
  pollSeconds: number;
}
const attached = new WeakMap<ServiceContext, Activities>();

/** Binds the activity store and queue to a service context (service.ts). */
export function attachActivities(ctx: ServiceContext, a: Activities): void {
  attached.set(ctx, a);
}

export function activitiesOf(ctx: ServiceContext): Activities {
  const a = attached.get(ctx);
  if (!a) throw new ServiceError('InternalFailure', 'activities not attached', 500);
  return a;
}

const ACTIVITY_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:activity:[^:]+$/;

function checkArn(arn: string): void {
  if (!arn.startsWith('arn:')) throw invalidArn(`Invalid ARN prefix: ${arn}`);
  if (!ACTIVITY_ARN.test(arn)) throw invalidArn(`Resource type not valid in this context: ${arn.split(':')[5] ?? ''}`);
}

function existing(ctx: ServiceContext, arn: string) {
  checkArn(arn);
  const row = activitiesOf(ctx).repo.get(arn);
  if (!row) throw new ServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
  return row;
}

export function createActivity(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const name = r.str('name', { required: true, min: 1, max: 80 });
  const tags = readTags(r, 'tags');
  r.check();
  if (!validName(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
  const { region, account } = ctx.scope;
  const arn = `arn:aws:states:${region}:${account}:activity:${name}`;
  const { repo } = activitiesOf(ctx);
  ctx.store.transaction(() => {
    if (repo.get(arn)) return;
    repo.insert(arn, name, ctx.clock.now());
    applyTags(ctx, arn, tags);
  });
  return { activityArn: arn, creationDate: repo.get(arn)!.createdMs };
}

export function describeActivity(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('activityArn', { required: true, min: 1, max: 256 });
  r.check();
  const row = existing(ctx, arn);
  return { activityArn: row.arn, name: row.name, creationDate: row.createdMs };
}

export function listActivities(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const limit = pageSize(r);
  const token = r.str('nextToken', { min: 1, max: 1024 });
  r.check();
  const after = pageToken.decode(token) ?? '';
  const rows = activitiesOf(ctx).repo.page(after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: a.createdMs })),
    ...(rows.length > limit ? { nextToken: pageToken.encode(page[page.length - 1]!.name) } : {}),
  };
}

export function deleteActivity(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('activityArn', { required: true, min: 1, max: 256 });
  r.check();
  checkArn(arn);
  activitiesOf(ctx).repo.delete(arn);
  return {};
}

/** Long poll: `{ taskToken, input }` for the oldest waiting task, or `{}` when none came within the poll time. */
export async function getActivityTask(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('activityArn', { required: true, min: 1, max: 256 });
  const workerName = r.str('workerName', { min: 1, max: 80 });
  r.check();
  existing(ctx, arn);
  const { queue, pollSeconds } = activitiesOf(ctx);
  // Wall time, not the service clock: this is an HTTP long poll, not workflow time.
  const deadline = Date.now() + pollSeconds * 1000;
  for (;;) {
    const task = queue.claim(arn, workerName);
    if (task) return { taskToken: task.token, input: task.input };
    const left = deadline - Date.now();
    if (left <= 0 || queue.closing) return {};
    await queue.waitForTask(arn, left);
  }
}
