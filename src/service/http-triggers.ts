/**
 * HTTP trigger storage for triggers/ (which may not import store/): the repository over the service's database.
 * Route matching and invocation live in triggers/http-triggers*.ts.
 */
import type { Db } from '../store/db.js';
import { httpTriggerRepo, type HttpTriggerRepo } from '../store/triggers.js';
import type { ServiceContext } from './context.js';

export type { HttpTriggerRepo, HttpTriggerRow } from '../store/triggers.js';

const repos = new WeakMap<Db, HttpTriggerRepo>();

/** The HTTP trigger repository over the service's database. */
export function httpTriggersOf(ctx: ServiceContext): HttpTriggerRepo {
  let r = repos.get(ctx.store.db);
  if (!r) repos.set(ctx.store.db, (r = httpTriggerRepo(ctx.store.db)));
  return r;
}
