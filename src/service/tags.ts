/** TagResource, UntagResource, ListTagsForResource (state machines and aliases; activities are not served). */
import { parseStateMachineArn } from './arns.js';
import type { ServiceContext } from './context.js';
import { notFound, ServiceError } from './errors.js';
import { req, type Req } from './request.js';

/** Reads a `[{key, value}]` tag list member. */
export function readTags(r: Req, name: string): { key: string; value: string }[] {
  const list = r.arr(name) ?? [];
  const tags: { key: string; value: string }[] = [];
  list.forEach((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    const key = o['key'];
    const value = o['value'] ?? '';
    const at = `${name}.${i + 1}.member`;
    if (typeof key !== 'string') r.violation(`${at}.key`, null, 'Member must not be null');
    else if (key.length < 1) r.violation(`${at}.key`, key, 'Member must have length greater than or equal to 1');
    else if (key.length > 128) r.violation(`${at}.key`, key, 'Member must have length less than or equal to 128');
    else if (typeof value !== 'string' || value.length > 256) r.violation(`${at}.value`, value, 'Member must have length less than or equal to 256');
    else tags.push({ key, value });
  });
  if (tags.length > 50) throw new ServiceError('TooManyTags', 'Too many tags: a resource can have at most 50 tags', 400);
  return tags;
}

/** Stores tags on a resource (inside the caller's transaction). */
export function applyTags(ctx: ServiceContext, arn: string, tags: { key: string; value: string }[]): void {
  for (const t of tags) ctx.store.machines.putTag(arn, t.key, t.value);
}

function taggable(ctx: ServiceContext, arn: string): void {
  const ref = parseStateMachineArn(arn);
  const exists = ref.kind === 'machine' ? !!ctx.store.machines.get(arn) : ref.kind === 'alias' ? !!ctx.store.machines.alias(arn) : false;
  if (!exists) throw notFound.resource(arn);
}

export function tagResource(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('resourceArn', { required: true, min: 1, max: 256 });
  const tags = readTags(r, 'tags');
  if (r.body['tags'] === undefined) r.violation('tags', null, 'Member must not be null');
  r.check();
  taggable(ctx, arn);
  if (ctx.store.machines.tags(arn).length + tags.length > 50) throw new ServiceError('TooManyTags', 'Too many tags', 400, { resourceName: arn });
  ctx.store.transaction(() => applyTags(ctx, arn, tags));
  return {};
}

export function untagResource(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('resourceArn', { required: true, min: 1, max: 256 });
  const keys = r.arr('tagKeys', true) ?? [];
  r.check();
  taggable(ctx, arn);
  ctx.store.transaction(() => {
    for (const k of keys) if (typeof k === 'string') ctx.store.machines.deleteTag(arn, k);
  });
  return {};
}

export function listTagsForResource(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('resourceArn', { required: true, min: 1, max: 256 });
  r.check();
  taggable(ctx, arn);
  return { tags: ctx.store.machines.tags(arn) };
}
