/** The koa application: the AWS JSON protocol on POST / and the REST API under /api. */
import Koa from 'koa';
import type { Service } from '../service/service.js';
import { refusal } from '../util/host-guard.js';
import { awsJsonHandler } from './aws-json.js';
import { importRouter } from './import-routes.js';
import { queueRouter } from './queue-routes.js';
import { restRouter } from './rest.js';
import { httpTriggerMiddleware, triggersRouter, type TriggerApi } from './triggers-routes.js';

/** Builds the app over an opened service. */
export function createApp(
  svc: Service,
  log?: (line: string) => void,
  triggers?: TriggerApi,
  allowedHosts?: ReadonlySet<string>,
): Koa {
  const app = new Koa();
  app.silent = true;
  app.on('error', (e: Error) => log?.(`http: ${e.message}`));
  const router = restRouter(svc, log);
  // DNS rebinding and cross-site pages: a Host we do not serve, or a foreign Origin, is refused first.
  app.use(async (ctx, next) => {
    const refused = refusal({ host: ctx.get('host'), origin: ctx.get('origin') || undefined }, allowedHosts);
    if (!refused) return next();
    ctx.status = 403;
    ctx.body = { error: 'Forbidden', message: refused };
  });
  app.use(awsJsonHandler(svc, log));
  // Schedules, HTTP triggers (/hooks/...) and event rules exist only when main.ts started them.
  if (triggers) {
    app.use(httpTriggerMiddleware(triggers, log));
    const tr = triggersRouter(triggers, log);
    app.use(tr.routes());
    app.use(tr.allowedMethods());
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(importRouter(svc, triggers?.schedules).routes());
  const queues = queueRouter(svc, log);
  app.use(queues.routes());
  app.use(queues.allowedMethods());
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'NotFound', message: `No route for ${ctx.method} ${ctx.path}` };
  });
  return app;
}
