/**
 * REST routes of the durable queues under /api/queues (docs/queues-and-mail.md). Errors are `{ error, message }`:
 * 400 for every malformed request (nothing is stored), 404 for an unknown queue or mapping.
 */
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { ServiceError } from '../service/errors.js';
import {
  createMapping, deleteMapping, describeQueue, listDeadLetters, listMappings, listQueues, putQueue, redriveDeadLetters, sendMessage,
} from '../service/queues.js';
import type { Service } from '../service/service.js';
import { readRequestBody } from './body.js';
import { restErrors } from './rest-errors.js';


/** The JSON body (undefined when empty); 400 when it is not JSON. */
async function json(ctx: Context): Promise<unknown> {
  const text = await readRequestBody(ctx, 1024 * 1024);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServiceError('SerializationException', 'Request body is not valid JSON', 400);
  }
}

/** Builds the /api/queues router (mounted by api/app.ts). */
export function queueRouter(svc: Service, log?: (line: string) => void): Router {
  const router = new Router({ prefix: '/api/queues' });
  const c = svc.ctx;

  router.use(restErrors('queue api', log));

  router.get('/', (ctx) => { ctx.body = listQueues(c); });
  router.put('/:name', async (ctx) => { ctx.body = putQueue(c, ctx.params['name']!, await json(ctx)); });
  router.get('/:name', (ctx) => { ctx.body = describeQueue(c, ctx.params['name']!); });
  router.post('/:name/messages', async (ctx) => {
    const res = sendMessage(c, ctx.params['name']!, await json(ctx));
    ctx.status = res.duplicate ? 200 : 201;
    ctx.body = res;
  });
  router.get('/:name/mappings', (ctx) => { ctx.body = listMappings(c, ctx.params['name']!); });
  router.post('/:name/mappings', async (ctx) => {
    ctx.status = 201;
    ctx.body = createMapping(c, ctx.params['name']!, await json(ctx));
  });
  router.delete('/:name/mappings/:uuid', (ctx) => {
    deleteMapping(c, ctx.params['name']!, ctx.params['uuid']!);
    ctx.status = 204;
  });
  router.get('/:name/dlq', (ctx) => {
    const limit = Number(ctx.query['limit'] ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ServiceError('ValidationException', "'limit' must be an integer from 1 to 10000");
    ctx.body = listDeadLetters(c, ctx.params['name']!, limit);
  });
  router.post('/:name/dlq/redrive', async (ctx) => { ctx.body = redriveDeadLetters(c, ctx.params['name']!, await json(ctx)); });
  return router;
}
