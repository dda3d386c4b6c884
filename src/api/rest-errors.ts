/**
 * The REST transport's one error renderer: a ServiceError becomes `{ error, message }` with its status (404 for a
 * resource named in the URL that does not exist); anything else is logged and answered 500 InternalFailure.
 */
import type { Context, Next } from 'koa';
import { ServiceError } from '../service/errors.js';

/** Codes that mean "the resource in the URL does not exist". */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'StateMachineDoesNotExist', 'ExecutionDoesNotExist', 'ResourceNotFound', 'ActivityDoesNotExist', 'TaskDoesNotExist',
  'QueueDoesNotExist',
]);

const defaultStatus = (err: ServiceError): number => (NOT_FOUND_CODES.has(err.code) ? 404 : err.status);

/** Koa middleware rendering errors thrown below it; `label` names the API in the log. */
export function restErrors(label: string, log?: (line: string) => void, statusOf = defaultStatus) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (e) {
      const err = e instanceof ServiceError ? e : new ServiceError('InternalFailure', 'An internal error occurred', 500);
      if (!(e instanceof ServiceError)) log?.(`${label}: internal error: ${(e as Error).stack ?? String(e)}`);
      ctx.status = statusOf(err);
      ctx.body = { error: err.code, message: err.message };
    }
  };
}
