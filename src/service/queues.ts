/**
 * Queue use cases (issue 8, item 5): durable queues with a dead-letter queue `{name}-dlq`, messages with SQS
 * FIFO-style deduplication ids, and event-source mappings queue → state machine. Every request is validated
 * completely before anything is stored. The pollers that lease messages live in triggers/queues.ts.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { queueRepo, type MappingRow, type MessageRow, type QueueRepo, type QueueRow } from '../store/queues.js';
import { formatTimestamp } from '../util/time.js';
import { machineOf, type ServiceContext } from './context.js';
import { ServiceError } from './errors.js';

export type { LeaseRow, MappingRow, MessageRow } from '../store/queues.js';

/** SQS FIFO: a deduplication id suppresses re-sends within five minutes. */
export const DEDUP_WINDOW_MS = 5 * 60_000;
const NAME = /^[A-Za-z0-9_-]{1,76}$/;
const MAX_BODY_BYTES = 262_144;

const repos = new WeakMap<Db, QueueRepo>();
const listeners = new WeakMap<ServiceContext, Set<() => void>>();

/** The queue repository over the service's database. */
export function queuesOf(ctx: ServiceContext): QueueRepo {
  let r = repos.get(ctx.store.db);
  if (!r) repos.set(ctx.store.db, (r = queueRepo(ctx.store.db)));
  return r;
}

/** Calls `fn` whenever a message is sent, redriven, or a mapping changes (the pollers wake at once). */
export function onQueueActivity(ctx: ServiceContext, fn: () => void): () => void {
  let set = listeners.get(ctx);
  if (!set) listeners.set(ctx, (set = new Set()));
  set.add(fn);
  return () => void set.delete(fn);
}

function notify(ctx: ServiceContext): void {
  for (const fn of listeners.get(ctx) ?? []) fn();
}

const bad = (message: string) => new ServiceError('ValidationException', message, 400);

/** The queue that must exist. */
export function queueOf(ctx: ServiceContext, name: string): QueueRow {
  const q = queuesOf(ctx).queue(name);
  if (!q) throw new ServiceError('QueueDoesNotExist', `Queue '${name}' does not exist`, 404);
  return q;
}

function fields(body: unknown, allowed: string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('The request body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw bad(`Unknown field(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return body as Record<string, unknown>;
}

function int(o: Record<string, unknown>, key: string, min: number, max: number, dflt: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(`'${key}' must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return v;
}

export const arnOfQueue = (ctx: ServiceContext, name: string) => `arn:aws:sqs:${ctx.scope.region}:${ctx.scope.account}:${name}`;
export const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** PUT /api/queues/{name}: creates (or reconfigures) a queue and its dead-letter queue `{name}-dlq`. */
export function putQueue(ctx: ServiceContext, name: string, body: unknown) {
  if (!NAME.test(name)) throw bad(`Invalid queue name '${name}': 1 to 76 characters of A-Z, a-z, 0-9, '-' and '_'`);
  const o = fields(body, ['maxReceiveCount', 'visibilityTimeoutSeconds']);
  const maxReceiveCount = int(o, 'maxReceiveCount', 1, 1000, 3);
  const visibilityTimeoutS = int(o, 'visibilityTimeoutSeconds', 0, 43_200, 30);
  const repo = queuesOf(ctx);
  const existing = repo.queue(name);
  if (existing?.dlqOf) throw bad(`'${name}' is the dead-letter queue of '${existing.dlqOf}' and is configured through it`);
  const dlqName = `${name}-dlq`;
  const dlq = repo.queue(dlqName);
  if (dlq && dlq.dlqOf !== name) throw new ServiceError('ConflictException', `Queue '${dlqName}' exists and is not the dead-letter queue of '${name}'`, 409);
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    repo.putQueue({ name, dlq: dlqName, dlqOf: null, maxReceiveCount, visibilityTimeoutS, createdMs: existing?.createdMs ?? now, updatedMs: now });
    if (!dlq) repo.putQueue({ name: dlqName, dlq: null, dlqOf: name, maxReceiveCount: null, visibilityTimeoutS, createdMs: now, updatedMs: now });
  });
  return describeQueue(ctx, name);
}

/** GET /api/queues/{name}: settings and counts (visible, in flight, dead-lettered). */
export function describeQueue(ctx: ServiceContext, name: string) {
  const q = queueOf(ctx, name);
  const repo = queuesOf(ctx);
  const c = repo.counts(name);
  return {
    name: q.name,
    queueArn: arnOfQueue(ctx, q.name),
    maxReceiveCount: q.maxReceiveCount,
    visibilityTimeoutSeconds: q.visibilityTimeoutS,
    deadLetterQueue: q.dlq,
    deadLetterQueueOf: q.dlqOf,
    visible: c.visible,
    inFlight: c.inFlight,
    dlq: q.dlq ? repo.counts(q.dlq).visible : 0,
    creationDate: formatTimestamp(q.createdMs),
    mappings: repo.mappings().filter((m) => m.queue === name).map((m) => mappingView(ctx, m)),
  };
}

/** GET /api/queues. */
export function listQueues(ctx: ServiceContext) {
  return { queues: queuesOf(ctx).queues().map((q) => describeQueue(ctx, q.name)) };
}

/** POST /api/queues/{name}/messages: `{ body, deduplicationId? }`; a non-string body is sent as its JSON text. */
export function sendMessage(ctx: ServiceContext, name: string, body: unknown) {
  queueOf(ctx, name);
  const o = fields(body, ['body', 'deduplicationId']);
  if (o['body'] === undefined || o['body'] === null) throw bad("'body' is required (a string, or any JSON value sent as its JSON text)");
  const text = typeof o['body'] === 'string' ? o['body'] : JSON.stringify(o['body']);
  if (text.length === 0) throw bad("'body' must not be empty");
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw bad(`'body' exceeds ${MAX_BODY_BYTES} bytes`);
  const dedup = o['deduplicationId'];
  if (dedup !== undefined && (typeof dedup !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(dedup))) {
    throw bad("'deduplicationId' must be 1 to 128 printable ASCII characters");
  }
  const sent = queuesOf(ctx).send({
    messageId: ctx.uuid(), queue: name, body: text, dedupId: dedup ?? null, nowMs: ctx.clock.now(), windowMs: DEDUP_WINDOW_MS,
  });
  if (!sent.duplicate) notify(ctx);
  return { messageId: sent.messageId, md5OfMessageBody: md5(text), duplicate: sent.duplicate };
}

function mappingView(ctx: ServiceContext, m: MappingRow) {
  return {
    uuid: m.uuid, queue: m.queue, eventSourceArn: arnOfQueue(ctx, m.queue), stateMachineArn: m.smArn,
    batchSize: m.batchSize, batchingWindowSeconds: m.batchingWindowS, maximumConcurrency: m.maximumConcurrency,
    enabled: m.enabled === 1, creationDate: formatTimestamp(m.createdMs),
  };
}

/** POST /api/queues/{name}/mappings: an event-source mapping queue → state machine (version or alias allowed). */
export function createMapping(ctx: ServiceContext, name: string, body: unknown) {
  queueOf(ctx, name);
  const o = fields(body, ['stateMachineArn', 'batchSize', 'batchingWindowSeconds', 'maximumConcurrency', 'enabled']);
  const arn = o['stateMachineArn'];
  if (typeof arn !== 'string' || arn === '') throw bad("'stateMachineArn' is required");
  const batchSize = int(o, 'batchSize', 1, 10, 1);
  const batchingWindowS = int(o, 'batchingWindowSeconds', 0, 300, 0);
  const maximumConcurrency = int(o, 'maximumConcurrency', 1, 1000, 10);
  if (o['enabled'] !== undefined && typeof o['enabled'] !== 'boolean') throw bad("'enabled' must be a boolean");
  machineOf(ctx, arn); // StateMachineDoesNotExist / InvalidArn before anything is stored
  const row: MappingRow = {
    uuid: ctx.uuid(), queue: name, smArn: arn, batchSize, batchingWindowS, maximumConcurrency,
    enabled: o['enabled'] === false ? 0 : 1, createdMs: ctx.clock.now(),
  };
  queuesOf(ctx).addMapping(row);
  notify(ctx);
  return mappingView(ctx, row);
}

/** GET /api/queues/{name}/mappings. */
export function listMappings(ctx: ServiceContext, name: string) {
  queueOf(ctx, name);
  return { mappings: queuesOf(ctx).mappings().filter((m) => m.queue === name).map((m) => mappingView(ctx, m)) };
}

/** DELETE /api/queues/{name}/mappings/{uuid}: no new leases; executions in flight still settle their messages. */
export function deleteMapping(ctx: ServiceContext, name: string, uuid: string): void {
  const m = queuesOf(ctx).mapping(uuid);
  if (!m || m.queue !== name) throw new ServiceError('ResourceNotFound', `Mapping '${uuid}' of queue '${name}' does not exist`, 404);
  queuesOf(ctx).deleteMapping(uuid);
  notify(ctx);
}

function messageView(m: MessageRow) {
  return {
    messageId: m.messageId, body: m.body, sentTimestamp: m.sentMs, receiveCount: m.receiveCount,
    ...(m.sourceQueue ? { sourceQueue: m.sourceQueue } : {}),
    ...(m.lastError !== null ? { lastError: m.lastError } : {}),
    ...(m.lastCause !== null ? { lastCause: m.lastCause } : {}),
  };
}

/** GET /api/queues/{name}/dlq: the dead-lettered messages, oldest first, with the failure that sent them there. */
export function listDeadLetters(ctx: ServiceContext, name: string, limit = 100) {
  const q = queueOf(ctx, name);
  if (!q.dlq) throw bad(`'${name}' is itself a dead-letter queue`);
  return { queue: q.dlq, messages: queuesOf(ctx).messages(q.dlq, limit).map(messageView) };
}

/** POST /api/queues/{name}/dlq/redrive `{ maxMessages? }`: moves dead letters back, receive counts reset. */
export function redriveDeadLetters(ctx: ServiceContext, name: string, body: unknown) {
  const q = queueOf(ctx, name);
  if (!q.dlq) throw bad(`'${name}' is itself a dead-letter queue`);
  const o = fields(body, ['maxMessages']);
  const max = int(o, 'maxMessages', 1, 1_000_000, 1_000_000);
  const moved = queuesOf(ctx).redrive(q.dlq, name, ctx.clock.now(), max);
  if (moved > 0) notify(ctx);
  return { moved };
}
