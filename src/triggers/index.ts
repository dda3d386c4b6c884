/**
 * Ingress besides a direct API call (issue 8): cron/rate schedules, HTTP triggers and event rules. `startTriggers`
 * starts the scheduler and the event delivery (which records execution status changes as bus events inside the
 * runner's commits) and returns the use cases the REST router and the hook middleware of api/triggers-routes.ts
 * call (api/ may not import triggers/, so main.ts hands this object over).
 *
 * Wiring (main.ts):
 *   const triggers = startTriggers(service, { log });
 *   app.use(httpTriggerMiddleware(triggers));    // before the 404 fallback
 *   app.use(triggersRouter(triggers).routes());
 *   …and `await triggers.close()` before `service.close()`.
 */
import type { Service } from '../service/service.js';
import { startEventDelivery } from './event-delivery.js';
import { deleteRule, getRule, putEvents, putRule, ruleView } from './event-rules.js';
import { createHookRunner, type HookRequest, type HookResponse } from './http-triggers-invoke.js';
import { createHttpTrigger, deleteHttpTrigger, getHttpTrigger, httpTriggerView, listHttpTriggers } from './http-triggers.js';
import { startScheduler } from './schedules-runner.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, scheduleView, updateSchedule } from './schedules.js';
import { eventsOf } from '../service/event-rules.js';

export type { HookRequest, HookResponse } from './http-triggers-invoke.js';

export interface TriggerOptions {
  log?: (line: string) => void;
}

/** Starts schedules and event delivery over an opened service. */
export function startTriggers(svc: Service, opts: TriggerOptions = {}) {
  const ctx = svc.ctx;
  const scheduler = startScheduler(svc, opts.log);
  const delivery = startEventDelivery(svc, opts.log);
  ctx.runner.addCommitHook(delivery.onEvents);
  const hooks = createHookRunner(svc);
  // Delivered events are kept a day for inspection, then dropped.
  eventsOf(ctx).prune(ctx.clock.now() - 86_400_000);

  return {
    /** Resolves once startup has settled pending and missed schedule fires. */
    ready: scheduler.ready,
    schedules: {
      create(body: unknown) {
        const row = createSchedule(ctx, body);
        scheduler.refresh(row.name);
        return scheduleView(ctx, row);
      },
      update(name: string, body: unknown) {
        const row = updateSchedule(ctx, name, body);
        scheduler.refresh(name);
        return scheduleView(ctx, row);
      },
      get: (name: string) => scheduleView(ctx, getSchedule(ctx, name)),
      list: () => ({ schedules: listSchedules(ctx).map((r) => scheduleView(ctx, r)) }),
      delete(name: string) {
        deleteSchedule(ctx, name);
        scheduler.refresh(name);
      },
    },
    httpTriggers: {
      create: (body: unknown) => httpTriggerView(createHttpTrigger(ctx, body)),
      get: (name: string) => httpTriggerView(getHttpTrigger(ctx, name)),
      list: () => ({ triggers: listHttpTriggers(ctx).map(httpTriggerView) }),
      delete: (name: string) => deleteHttpTrigger(ctx, name),
    },
    rules: {
      create: (body: unknown) => ruleView(ctx, putRule(ctx, body, undefined)),
      replace: (name: string, body: unknown) => ruleView(ctx, putRule(ctx, body, name)),
      get: (name: string) => ruleView(ctx, getRule(ctx, name)),
      list: () => ({ rules: eventsOf(ctx).rules().map((r) => ruleView(ctx, r)) }),
      delete: (name: string) => deleteRule(ctx, name),
    },
    putEvents(body: unknown) {
      const result = putEvents(ctx, body);
      delivery.wake(); // after the commit above: delivery never sees an uncommitted event
      return result;
    },
    /** Answers `METHOD /hooks/...`, or undefined when no trigger serves it. */
    handleHook: (req: HookRequest): Promise<HookResponse | undefined> => hooks.handle(req),
    /** Wakes event delivery after events were committed by another ingress (the SMTP listener). */
    wakeDelivery: () => delivery.wake(),
    /** Resolves when every accepted event has been delivered (tests). */
    idle: () => delivery.idle(),
    async close() {
      scheduler.close();
      await delivery.close();
    },
  };
}

export type Triggers = ReturnType<typeof startTriggers>;
