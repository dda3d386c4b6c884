/**
 * The project's own REST API under /api (docs/api.md, GET /api/openapi.json). It drives the same use cases as
 * the AWS protocol; errors are `{ error, message }` with 4xx for every client mistake.
 */
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { ServiceError } from '../service/errors.js';
import {
  deleteAlias, deleteFunction, getFunction, listAliases, listFunctions, listVersions, publishVersion, putAlias, putFunction,
} from '../service/functions.js';
import type { Service } from '../service/service.js';
import { readRequestBody } from './body.js';
import { OPENAPI } from './openapi.js';
import { restErrors } from './rest-errors.js';
import { mapTimestamps } from '../util/aws-wire.js';

/** The request body parsed as JSON, or its raw text when it is not JSON. */
async function bodyOf(ctx: Context): Promise<{ text: string; json: unknown }> {
  const text = await readRequestBody(ctx);
  try {
    return { text, json: text.trim() === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    return { text, json: undefined };
  }
}

function jsonBody(b: { text: string; json: unknown }): unknown {
  if (b.text.trim() !== '' && b.json === undefined) throw new ServiceError('SerializationException', 'Request body is not valid JSON');
  return b.json;
}

const toIso = (ms: number): string => new Date(ms).toISOString();

/** The REST rendering: timestamps as ISO-8601 strings. */
function toRest(value: unknown): unknown {
  return mapTimestamps(value, toIso);
}

/** An execution id in a path: a full execution ARN, or `stateMachineName:executionName`. */
function executionArn(svc: Service, id: string): string {
  if (id.startsWith('arn:')) return id;
  const { region, account } = svc.ctx.scope;
  return `arn:aws:states:${region}:${account}:execution:${id}`;
}

function machineArn(svc: Service, name: string): string {
  const { region, account } = svc.ctx.scope;
  return `arn:aws:states:${region}:${account}:stateMachine:${name}`;
}

/** The definition member: a JSON object (stringified) or a string. */
function definitionText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return undefined;
}

/** Builds the /api router. */
export function restRouter(svc: Service, log?: (line: string) => void): Router {
  const router = new Router({ prefix: '/api' });
  const aws = (op: string, body: unknown) => svc.call(op, body);

  router.use(restErrors('rest api', log));
  router.use(async (ctx, next) => {
    await next();
    if (typeof ctx.body === 'object' && ctx.body !== null && ctx.body !== OPENAPI) ctx.body = toRest(ctx.body);
  });

  router.get('/health', (ctx) => { ctx.body = { status: 'ok' }; });
  router.get('/openapi.json', (ctx) => { ctx.body = OPENAPI; });

  router.post('/validate', async (ctx) => {
    const b = await bodyOf(ctx);
    const obj = b.json as Record<string, unknown> | undefined;
    // Either the definition itself, or `{ "definition": ..., "type": ... }`.
    const wrapped = obj && typeof obj === 'object' && 'definition' in obj && !('StartAt' in obj);
    const definition = wrapped ? definitionText(obj['definition']) ?? '' : b.text;
    const type = (wrapped ? obj['type'] : undefined) ?? ctx.query['type'] ?? 'STANDARD';
    const res = (await aws('ValidateStateMachineDefinition', { definition: definition === '' ? ' ' : definition, type, severity: 'WARNING' })) as Record<string, unknown>;
    ctx.body = { result: res['result'], diagnostics: res['diagnostics'] };
  });

  router.get('/state-machines', async (ctx) => { ctx.body = await aws('ListStateMachines', { maxResults: 1000 }); });
  router.post('/state-machines', async (ctx) => {
    const b = await bodyOf(ctx);
    const name = typeof ctx.query['name'] === 'string' ? ctx.query['name'] : undefined;
    // `?name=N` with the definition itself as the body (JSON text), or a JSON object `{ name, definition, ... }`.
    const body = (name !== undefined
      ? { name, definition: b.text, ...(typeof ctx.query['type'] === 'string' ? { type: ctx.query['type'] } : {}) }
      : jsonBody(b) ?? {}) as Record<string, unknown>;
    const roleArn = body['roleArn'] ?? `arn:aws:iam::${svc.ctx.scope.account}:role/asl-service`;
    ctx.status = 201;
    ctx.body = await aws('CreateStateMachine', { ...body, definition: definitionText(body['definition']), roleArn });
  });
  router.get('/state-machines/:name', async (ctx) => {
    ctx.body = await aws('DescribeStateMachine', { stateMachineArn: machineArn(svc, ctx.params['name']!) });
  });
  router.put('/state-machines/:name', async (ctx) => {
    const body = (jsonBody(await bodyOf(ctx)) ?? {}) as Record<string, unknown>;
    const def = definitionText(body['definition']);
    ctx.body = await aws('UpdateStateMachine', {
      ...body, stateMachineArn: machineArn(svc, ctx.params['name']!), ...(def !== undefined ? { definition: def } : {}),
    });
  });
  router.delete('/state-machines/:name', async (ctx) => {
    const arn = machineArn(svc, ctx.params['name']!);
    await aws('DescribeStateMachine', { stateMachineArn: arn });
    await aws('DeleteStateMachine', { stateMachineArn: arn });
    ctx.status = 204;
  });
  router.post('/state-machines/:name/executions', async (ctx) => {
    const b = await bodyOf(ctx);
    const input = b.text.trim() === '' ? '{}' : b.text;
    const name = typeof ctx.query['name'] === 'string' ? ctx.query['name'] : undefined;
    const request = { stateMachineArn: machineArn(svc, ctx.params['name']!), input, ...(name ? { name } : {}) };
    const machine = (await aws('DescribeStateMachine', { stateMachineArn: request.stateMachineArn })) as { type: string };
    if (machine.type === 'EXPRESS' && ctx.query['wait'] === 'true') {
      // Express executions keep no record to describe afterwards: answer with the synchronous result.
      ctx.body = await aws('StartSyncExecution', request);
      return;
    }
    const started = (await aws('StartExecution', request)) as { executionArn: string };
    ctx.status = 201;
    if (ctx.query['wait'] === 'true') {
      await svc.waitForExecution(started.executionArn);
      ctx.status = 200;
      ctx.body = await aws('DescribeExecution', { executionArn: started.executionArn });
    } else {
      ctx.body = started;
    }
  });
  router.get('/state-machines/:name/executions', async (ctx) => {
    const q = ctx.query;
    ctx.body = await aws('ListExecutions', {
      stateMachineArn: machineArn(svc, ctx.params['name']!),
      maxResults: q['maxResults'] !== undefined ? Number(q['maxResults']) : 100,
      ...(typeof q['status'] === 'string' ? { statusFilter: q['status'] } : {}),
      ...(typeof q['nextToken'] === 'string' ? { nextToken: q['nextToken'] } : {}),
    });
  });
  router.get('/executions/:id', async (ctx) => {
    ctx.body = await aws('DescribeExecution', { executionArn: executionArn(svc, ctx.params['id']!) });
  });
  router.get('/executions/:id/history', async (ctx) => {
    const q = ctx.query;
    ctx.body = await aws('GetExecutionHistory', {
      executionArn: executionArn(svc, ctx.params['id']!),
      maxResults: q['maxResults'] !== undefined ? Number(q['maxResults']) : 1000,
      ...(typeof q['nextToken'] === 'string' ? { nextToken: q['nextToken'] } : {}),
      ...(q['reverseOrder'] === 'true' ? { reverseOrder: true } : {}),
    });
  });
  router.post('/executions/:id/stop', async (ctx) => {
    const body = (jsonBody(await bodyOf(ctx)) ?? {}) as Record<string, unknown>;
    ctx.body = await aws('StopExecution', { ...body, executionArn: executionArn(svc, ctx.params['id']!) });
  });

  router.get('/functions', (ctx) => { ctx.body = { functions: listFunctions(svc.ctx) }; });
  router.put('/functions/:name', async (ctx) => {
    ctx.body = await putFunction(svc.ctx, ctx.params['name']!, jsonBody(await bodyOf(ctx)));
  });
  router.get('/functions/:name', (ctx) => { ctx.body = getFunction(svc.ctx, ctx.params['name']!); });
  router.delete('/functions/:name', (ctx) => {
    deleteFunction(svc.ctx, ctx.params['name']!);
    ctx.status = 204;
  });
  router.post('/functions/:name/versions', (ctx) => {
    ctx.status = 201;
    ctx.body = publishVersion(svc.ctx, ctx.params['name']!);
  });
  router.get('/functions/:name/versions', (ctx) => { ctx.body = listVersions(svc.ctx, ctx.params['name']!); });
  router.get('/functions/:name/aliases', (ctx) => { ctx.body = listAliases(svc.ctx, ctx.params['name']!); });
  router.put('/functions/:name/aliases/:alias', async (ctx) => {
    ctx.body = putAlias(svc.ctx, ctx.params['name']!, ctx.params['alias']!, jsonBody(await bodyOf(ctx)));
  });
  router.delete('/functions/:name/aliases/:alias', (ctx) => {
    deleteAlias(svc.ctx, ctx.params['name']!, ctx.params['alias']!);
    ctx.status = 204;
  });

  // Callbacks (.waitForTaskToken and activity tokens): the AWS SendTask* operations, REST-shaped.
  router.post('/tasks/:token/success', async (ctx) => {
    const b = await bodyOf(ctx);
    ctx.body = await aws('SendTaskSuccess', { taskToken: ctx.params['token']!, output: b.text.trim() === '' ? '{}' : b.text });
  });
  router.post('/tasks/:token/failure', async (ctx) => {
    const body = (jsonBody(await bodyOf(ctx)) ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ServiceError('SerializationException', 'Body must be a JSON object { error?, cause? }');
    ctx.body = await aws('SendTaskFailure', { taskToken: ctx.params['token']!, error: body['error'], cause: body['cause'] });
  });
  router.post('/tasks/:token/heartbeat', async (ctx) => {
    ctx.body = await aws('SendTaskHeartbeat', { taskToken: ctx.params['token']! });
  });
  return router;
}
