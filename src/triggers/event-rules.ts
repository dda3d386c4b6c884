/**
 * Event rule use cases behind `/api/rules` and PutEvents behind `POST /api/events`. A rule is an EventBridge
 * event pattern with up to five state machine targets (AWS's per-rule limit); PutEvents validates each entry on
 * its own (a bad entry fails alone, with `errorCode`/`errorMessage` in its slot, as AWS answers), wraps the good
 * ones in the EventBridge envelope and commits them before answering.
 */
import { randomUUID } from 'node:crypto';
import { machineOf, type ServiceContext } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { eventsOf, type EventRuleRow } from '../service/event-rules.js';
import { isValidJsonPath } from '../asl/json-path.js';
import type { Json, JsonObject } from '../util/json.js';
import { validatePattern } from './event-patterns.js';
import { validateTransformer, type RuleTarget } from './event-transformer.js';

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const MAX_ENTRIES = 10;
const MAX_BYTES = 262_144;
const bad = (message: string) => new ServiceError('ValidationException', message, 400);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const ruleArn = (ctx: ServiceContext, name: string) => `arn:aws:events:${ctx.scope.region}:${ctx.scope.account}:rule/${name}`;

function targetOf(ctx: ServiceContext, t: unknown, i: number): RuleTarget {
  const where = `targets[${i}]`;
  if (!isObject(t)) throw bad(`${where} must be an object { id, arn, input?, inputPath?, inputTransformer? }`);
  const arn = t['arn'] ?? t['stateMachineArn'] ?? t['Arn'];
  if (typeof arn !== 'string') throw bad(`${where}.arn (a state machine ARN) is required`);
  machineOf(ctx, arn);
  const id = t['id'] ?? t['Id'] ?? String(i + 1);
  if (typeof id !== 'string' || !NAME.test(id)) throw bad(`${where}.id must be 1-64 characters of [0-9a-zA-Z_.-]`);
  const out: RuleTarget = { id, arn };
  const given = ['input', 'inputPath', 'inputTransformer'].filter((k) => t[k] !== undefined && t[k] !== null);
  if (given.length > 1) throw bad(`${where}: input, inputPath and inputTransformer are mutually exclusive`);
  if (t['input'] !== undefined && t['input'] !== null) {
    const input = t['input'];
    if (typeof input === 'string') {
      try {
        JSON.parse(input);
      } catch {
        throw bad(`${where}.input must be valid JSON text`);
      }
      out.input = input;
    } else out.input = JSON.stringify(input);
  }
  if (t['inputPath'] !== undefined && t['inputPath'] !== null) {
    if (typeof t['inputPath'] !== 'string' || !isValidJsonPath(t['inputPath'])) throw bad(`${where}.inputPath must be a JSONPath`);
    out.inputPath = t['inputPath'];
  }
  if (t['inputTransformer'] !== undefined && t['inputTransformer'] !== null) out.inputTransformer = validateTransformer(t['inputTransformer'], `${where}.inputTransformer`);
  return out;
}

/** Creates or replaces a rule (`replace`: PUT semantics; otherwise 409 when the name is taken). */
export function putRule(ctx: ServiceContext, body: unknown, replace: string | undefined): EventRuleRow {
  if (!isObject(body)) throw bad('The request body must be a JSON object');
  const name = replace ?? body['name'];
  if (typeof name !== 'string' || !NAME.test(name)) throw bad('name is required: 1-64 characters of [0-9a-zA-Z_.-]');
  let pattern = body['eventPattern'] ?? body['EventPattern'];
  if (typeof pattern === 'string') {
    try {
      pattern = JSON.parse(pattern) as unknown;
    } catch {
      throw new ServiceError('InvalidEventPatternException', 'Event pattern is not valid. Reason: not valid JSON', 400);
    }
  }
  if (pattern === undefined) throw bad('eventPattern is required');
  validatePattern(pattern);
  const state = body['state'] ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw bad("state must be 'ENABLED' or 'DISABLED'");
  const rawTargets = body['targets'] ?? [];
  if (!Array.isArray(rawTargets) || rawTargets.length > 5) throw bad('targets must be an array of at most 5 targets');
  const targets = rawTargets.map((t, i) => targetOf(ctx, t, i));
  if (new Set(targets.map((t) => t.id)).size !== targets.length) throw bad('target ids must be unique within a rule');
  const description = body['description'];
  if (description !== undefined && typeof description !== 'string') throw bad('description must be a string');
  const repo = eventsOf(ctx);
  const prev = repo.rule(name);
  if (prev && replace === undefined) throw new ServiceError('ConflictException', `Rule ${name} already exists.`, 409);
  if (!prev && replace !== undefined) throw new ServiceError('ResourceNotFound', `Rule ${name} does not exist.`, 404);
  const now = ctx.clock.now();
  const row: EventRuleRow = {
    name, pattern: JSON.stringify(pattern), state, description: description ?? null, targets: JSON.stringify(targets),
    createdMs: prev?.createdMs ?? now, updatedMs: now,
  };
  repo.putRule(row);
  return row;
}

export function getRule(ctx: ServiceContext, name: string): EventRuleRow {
  const row = eventsOf(ctx).rule(name);
  if (!row) throw new ServiceError('ResourceNotFound', `Rule ${name} does not exist.`, 404);
  return row;
}

export function deleteRule(ctx: ServiceContext, name: string): void {
  getRule(ctx, name);
  eventsOf(ctx).deleteRule(name);
}

/** The REST view of a rule. */
export function ruleView(ctx: ServiceContext, row: EventRuleRow) {
  return {
    name: row.name, arn: ruleArn(ctx, row.name), eventPattern: JSON.parse(row.pattern) as Json, state: row.state,
    ...(row.description !== null ? { description: row.description } : {}),
    targets: JSON.parse(row.targets) as RuleTarget[],
    createdAt: new Date(row.createdMs).toISOString(), updatedAt: new Date(row.updatedMs).toISOString(),
  };
}

/** EventBridge event time: ISO-8601 to the second. */
export const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Wraps a valid entry in the EventBridge envelope; a string is the entry's error message. */
function envelope(ctx: ServiceContext, e: unknown): JsonObject | string {
  if (!isObject(e)) return 'Entry must be an object';
  const source = e['source'] ?? e['Source'];
  const detailType = e['detail-type'] ?? e['DetailType'];
  let detail: unknown = e['detail'] ?? e['Detail'] ?? {};
  if (typeof source !== 'string' || source === '') return 'Parameter Source is not valid. Reason: Source is a required argument.';
  if (typeof detailType !== 'string' || detailType === '') return 'Parameter DetailType is not valid. Reason: DetailType is a required argument.';
  if (typeof detail === 'string') {
    try {
      detail = JSON.parse(detail) as unknown;
    } catch {
      return 'Detail is malformed.';
    }
  }
  if (!isObject(detail)) return 'Detail is malformed.';
  const resources = e['resources'] ?? e['Resources'] ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) return 'Parameter Resources is not valid.';
  const time = e['time'] ?? e['Time'];
  const t = typeof time === 'string' || typeof time === 'number' ? new Date(time).getTime() : ctx.clock.now();
  if (Number.isNaN(t)) return 'Parameter Time is not valid.';
  return {
    version: '0', id: randomUUID(), 'detail-type': detailType, source, account: ctx.scope.account, time: eventTime(t),
    region: ctx.scope.region, resources: resources as string[], detail: detail as JsonObject,
  };
}

/** PutEvents: stores the valid entries in one transaction; the caller wakes delivery after it returns. */
export function putEvents(ctx: ServiceContext, body: unknown) {
  const entries = isObject(body) ? body['entries'] ?? body['Entries'] : undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw bad('entries must be a non-empty array of { source, detail-type, detail }');
  if (entries.length > MAX_ENTRIES) throw bad(`PutEvents takes at most ${MAX_ENTRIES} entries, got ${entries.length}`);
  if (Buffer.byteLength(JSON.stringify(entries)) > MAX_BYTES) throw bad('The total size of the entries exceeds 256 KB');
  const results = entries.map((e) => envelope(ctx, e));
  const good = results.filter((r): r is JsonObject => typeof r !== 'string');
  eventsOf(ctx).addEvents(good.map((ev) => ({ eventId: ev['id'] as string, event: JSON.stringify(ev) })), ctx.clock.now());
  return {
    failedEntryCount: results.length - good.length,
    entries: results.map((r) => (typeof r === 'string' ? { errorCode: 'InvalidArgument', errorMessage: r } : { eventId: r['id'] as string })),
  };
}
