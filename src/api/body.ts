/** Raw request body reading with a size limit (koa has no body parser for application/x-amz-json-1.0). */
import type { Context } from 'koa';
import { ServiceError } from '../service/errors.js';

/** 8 MiB: a 1 MiB definition can grow several-fold through JSON escaping; AWS limits are per member. */
export const BODY_LIMIT = 8 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/** Reads the whole body as UTF-8 text; rejects with BodyTooLarge past `limit` bytes. */
export async function readBody(ctx: Context, limit = BODY_LIMIT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`Request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** readBody, with an oversized body reported as AWS does: ValidationException, HTTP 413. */
export async function readRequestBody(ctx: Context, limit = BODY_LIMIT): Promise<string> {
  try {
    return await readBody(ctx, limit);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      // The rest of the upload is still on the socket: answer, then close it rather than let the client reuse it.
      ctx.set('Connection', 'close');
      throw new ServiceError('ValidationException', e.message, 413);
    }
    throw e;
  }
}
