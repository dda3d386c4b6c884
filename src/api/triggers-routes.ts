/**
 * REST routes for ingress (issue 8): `/api/schedules`, `/api/triggers`, `/api/rules`, `POST /api/events`, and the
 * middleware that answers `METHOD /hooks/...` for HTTP triggers. api/ may not import triggers/, so both take the
 * object `startTriggers` returns (main.ts hands it over); its shape is spelled out here as `TriggerApi`.
 * Errors are `{ error, message }` with the ServiceError's status, as in rest.ts.
 */
import { Router } from '@koa/router';
import type { Context, Next } from 'koa';
import { ServiceError } from '../service/errors.js';
import { restErrors } from './rest-errors.js';

export interface HookRequestShape {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  bodyText: string;
}

export interface HookResponseShape {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Crud {
  get(name: string): unknown;
  list(): unknown;
  delete(name: string): void;
}

/** What the routes need from `startTriggers(service)`. */
export interface TriggerApi {
  schedules: Crud & { create(body: unknown): unknown; update(name: string, body: unknown): unknown };
  httpTriggers: Crud & { create(body: unknown): unknown };
  rules: Crud & { create(body: unknown): unknown; replace(name: string, body: unknown): unknown };
  putEvents(body: unknown): unknown;
  handleHook(req: HookRequestShape): Promise<HookResponseShape | undefined>;
}

/** API Gateway's payload limit for hooks, and EventBridge's for PutEvents. */
export const HOOK_BODY_LIMIT = 262_144;
const API_BODY_LIMIT = 1_048_576;
// Past the limit the rest of the body is still read (and dropped) up to this much, so the client gets its 413
// instead of a reset connection; beyond it the socket is dropped.
const DRAIN_LIMIT = 16 * 1_048_576;

/** Reads the body; `tooLarge` when it exceeded `limit` (the excess is drained, not kept). */
async function readLimited(ctx: Context, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (size > DRAIN_LIMIT) break;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > limit };
}

async function jsonBody(ctx: Context): Promise<unknown> {
  const { text, tooLarge } = await readLimited(ctx, API_BODY_LIMIT);
  if (tooLarge) throw new ServiceError('ValidationException', `Request body exceeds ${API_BODY_LIMIT} bytes`, 413);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServiceError('SerializationException', 'Request body is not valid JSON', 400);
  }
}

/** The /api router for schedules, HTTP triggers, event rules and PutEvents. */
export function triggersRouter(t: TriggerApi, log?: (line: string) => void): Router {
  const router = new Router({ prefix: '/api' });
  // A target state machine named in a request body that does not exist is a bad request here, not a 404.
  router.use(restErrors('triggers api', log, (err) => (err.code === 'StateMachineDoesNotExist' ? 400 : err.status)));
  const crud = (base: string, c: Crud & { create(body: unknown): unknown }, update?: (name: string, body: unknown) => unknown) => {
    router.post(base, async (ctx) => {
      ctx.body = c.create(await jsonBody(ctx));
      ctx.status = 201;
    });
    router.get(base, (ctx) => { ctx.body = c.list(); });
    router.get(`${base}/:name`, (ctx) => { ctx.body = c.get(ctx.params['name']!); });
    if (update) router.put(`${base}/:name`, async (ctx) => { ctx.body = update(ctx.params['name']!, await jsonBody(ctx)); });
    router.delete(`${base}/:name`, (ctx) => {
      c.delete(ctx.params['name']!);
      ctx.status = 204;
    });
  };
  crud('/schedules', t.schedules, (n, b) => t.schedules.update(n, b));
  crud('/triggers', t.httpTriggers);
  crud('/rules', t.rules, (n, b) => t.rules.replace(n, b));
  router.post('/events', async (ctx) => { ctx.body = t.putEvents(await jsonBody(ctx)); });
  return router;
}

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** Koa middleware: `METHOD /hooks/...` requests served by an HTTP trigger; anything else goes on. */
export function httpTriggerMiddleware(t: TriggerApi, log?: (line: string) => void) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (!ctx.path.startsWith('/hooks/')) return next();
    const { text, tooLarge } = await readLimited(ctx, HOOK_BODY_LIMIT);
    if (tooLarge) {
      ctx.status = 413;
      ctx.body = { error: 'PayloadTooLarge', message: `Request body exceeds ${HOOK_BODY_LIMIT} bytes` };
      return;
    }
    let res: HookResponseShape | undefined;
    try {
      res = await t.handleHook({
        method: ctx.method, path: ctx.path, headers: ctx.headers, query: ctx.query as Record<string, string | string[] | undefined>, bodyText: text,
      });
    } catch (e) {
      const err = e instanceof ServiceError ? e : new ServiceError('InternalFailure', 'An internal error occurred', 500);
      if (!(e instanceof ServiceError)) log?.(`http trigger: internal error: ${(e as Error).stack ?? String(e)}`);
      // A client mistake (e.g. an input over the 256 KiB limit) keeps its 4xx; failed Express runs answer 502 upstream.
      ctx.status = err.status;
      ctx.body = { error: err.code, cause: err.message };
      return;
    }
    if (!res) return next();
    ctx.status = res.status;
    const body = res.body;
    if (typeof body === 'string' || Buffer.isBuffer(body)) ctx.body = body;
    else if (body === undefined || body === null) ctx.body = body === null ? 'null' : '';
    else ctx.body = JSON.stringify(body);
    if (!(typeof body === 'string' || Buffer.isBuffer(body))) ctx.type = 'application/json';
    try {
      for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k.toLowerCase())) ctx.set(k, v);
    } catch (e) {
      // The workflow's output mapped an invalid header name or value: its response cannot be sent as it is.
      ctx.status = 502;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ error: 'InvalidResponseHeader', cause: (e as Error).message });
    }
  };
}
