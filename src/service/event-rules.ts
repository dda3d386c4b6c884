/**
 * Event rule and event bus storage for triggers/ (which may not import store/): the repository over the
 * service's database. Patterns, transformers and delivery live in triggers/event-*.ts.
 */
import type { Db } from '../store/db.js';
import { eventRepo, type EventRepo } from '../store/events.js';
import type { ServiceContext } from './context.js';

export type { BusEventRow, EventRepo, EventRuleRow } from '../store/events.js';

const repos = new WeakMap<Db, EventRepo>();

/** The event repository over the service's database. */
export function eventsOf(ctx: ServiceContext): EventRepo {
  let r = repos.get(ctx.store.db);
  if (!r) repos.set(ctx.store.db, (r = eventRepo(ctx.store.db)));
  return r;
}
