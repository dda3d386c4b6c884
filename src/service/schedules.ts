/**
 * Schedule storage for triggers/ (which may not import store/): the repository over the service's database.
 * The use cases (validation, cron matching, firing) live in triggers/schedules*.ts.
 */
import type { Db } from '../store/db.js';
import { scheduleRepo, type ScheduleRepo } from '../store/schedules.js';
import type { ServiceContext } from './context.js';

export type { ScheduleRepo, ScheduleRow } from '../store/schedules.js';

const repos = new WeakMap<Db, ScheduleRepo>();

/** The schedule repository over the service's database. */
export function schedulesOf(ctx: ServiceContext): ScheduleRepo {
  let r = repos.get(ctx.store.db);
  if (!r) repos.set(ctx.store.db, (r = scheduleRepo(ctx.store.db)));
  return r;
}

/** True while the execution is running (a live Express run has no row; a Standard one has a RUNNING row). */
export function isRunning(ctx: ServiceContext, executionArn: string): boolean {
  const live = ctx.runner.get(executionArn);
  if (live && (live.state === undefined || live.state.status === 'RUNNING')) return true;
  return ctx.store.executions.get(executionArn)?.status === 'RUNNING';
}
