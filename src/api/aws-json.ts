/**
 * The AWS Step Functions wire protocol (awsJson1_0) on `POST /`: routed by `X-Amz-Target:
 * AWSStepFunctions.<Op>`, JSON in and out, timestamps as epoch seconds, errors as `{__type, message}` plus the
 * `X-Amzn-Errortype` header. Client mistakes are always 4xx: SDKs retry 5xx (sfn-api.md §1.3). SigV4 headers are
 * accepted and not checked.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { ServiceError } from '../service/errors.js';
import type { Service } from '../service/service.js';
import { readRequestBody } from './body.js';
import { toWire } from '../util/aws-wire.js';

const PREFIX = 'AWSStepFunctions.';
function sendError(ctx: Context, err: ServiceError): void {
  ctx.status = err.status;
  ctx.set('X-Amzn-Errortype', err.code);
  ctx.type = 'application/x-amz-json-1.0';
  ctx.body = JSON.stringify({ __type: err.code, message: err.message, ...err.extra });
}

/** Koa middleware: answers every POST / that is not a REST call. */
export function awsJsonHandler(svc: Service, log?: (line: string) => void) {
  return async (ctx: Context, next: () => Promise<void>): Promise<void> => {
    if (ctx.method !== 'POST' || ctx.path !== '/') return next();
    ctx.set('x-amzn-RequestId', randomUUID());
    try {
      const target = ctx.get('x-amz-target');
      const op = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
      const text = await readRequestBody(ctx);
      if (!op || !svc.has(op)) {
        throw new ServiceError('UnknownOperationException', target ? `Unknown operation: ${target}` : 'Missing X-Amz-Target header');
      }
      let body: unknown = {};
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          throw new ServiceError('SerializationException', 'Unable to parse the request body as JSON');
        }
      }
      const result = await svc.call(op, body);
      ctx.status = 200;
      ctx.type = 'application/x-amz-json-1.0';
      ctx.body = JSON.stringify(toWire(result ?? {}));
    } catch (e) {
      if (e instanceof ServiceError) return sendError(ctx, e);
      log?.(`aws api: internal error: ${(e as Error).stack ?? String(e)}`);
      sendError(ctx, new ServiceError('InternalFailure', 'An internal error occurred', 500));
    }
  };
}
