/** State machine aliases with weighted routing between one or two versions. */
import type { AliasRow } from '../store/index.js';
import { parseStateMachineArn } from './arns.js';
import { machineOf, type ServiceContext } from './context.js';
import { notFound, ServiceError } from './errors.js';
import { pageSize, pageToken, req, type Req } from './request.js';

interface Route {
  stateMachineVersionArn: string;
  weight: number;
}
const ALIAS_NAME = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;

function routingError(message: string): ServiceError {
  return new ServiceError('ValidationException', message, 400, { reason: 'INVALID_ROUTING_CONFIGURATION' });
}

/** Reads routingConfiguration: 1–2 distinct versions of one state machine, weights 0–100 summing to 100. */
function readRouting(ctx: ServiceContext, r: Req, required: boolean): { routes: Route[]; smArn: string } | undefined {
  const list = r.arr('routingConfiguration', required);
  if (!list) return undefined;
  if (list.length < 1 || list.length > 2) {
    r.violation('routingConfiguration', `[${list.length} items]`, 'Member must have length less than or equal to 2');
    r.check();
  }
  const routes = list.map((x) => {
    const o = (x ?? {}) as Record<string, unknown>;
    const arn = o['stateMachineVersionArn'];
    const weight = o['weight'];
    if (typeof arn !== 'string' || typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw routingError('Routing configuration entries need a stateMachineVersionArn and an integer weight between 0 and 100');
    }
    return { stateMachineVersionArn: arn, weight };
  });
  const refs = routes.map((x) => parseStateMachineArn(x.stateMachineVersionArn));
  if (refs.some((x) => x.kind !== 'version')) throw routingError('Routing configuration must contain state machine version ARNs');
  if (new Set(refs.map((x) => x.baseArn)).size !== 1) throw routingError('Routing configuration must contain versions of the same state machine');
  if (new Set(routes.map((x) => x.stateMachineVersionArn)).size !== routes.length) throw routingError('Routing configuration must contain distinct versions');
  if (routes.reduce((n, x) => n + x.weight, 0) !== 100) throw routingError('Sum of routing configuration weights must be equal to 100');
  for (const x of routes) if (!ctx.store.machines.version(x.stateMachineVersionArn)) throw notFound.resource(x.stateMachineVersionArn, 'State Machine Version');
  return { routes, smArn: refs[0]!.baseArn };
}

function aliasOf(ctx: ServiceContext, arn: string): AliasRow {
  const ref = parseStateMachineArn(arn);
  const alias = ref.kind === 'alias' ? ctx.store.machines.alias(arn) : undefined;
  if (ref.kind !== 'alias') throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: stateMachine'`);
  if (!alias) throw notFound.resource(arn, 'State Machine Alias');
  return alias;
}

/** Picks the version an execution started through the alias runs (weighted by `random`). */
export function routeAlias(ctx: ServiceContext, alias: AliasRow): string {
  const routes = JSON.parse(alias.routing) as Route[];
  let x = ctx.random() * 100;
  for (const route of routes) {
    if (x < route.weight) return route.stateMachineVersionArn;
    x -= route.weight;
  }
  return routes.find((route) => route.weight > 0)?.stateMachineVersionArn ?? routes[0]!.stateMachineVersionArn;
}

export function createStateMachineAlias(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const name = r.str('name', { required: true, min: 1, max: 80 });
  const description = r.str('description', { max: 256 });
  // CharacterRestrictedName is a model pattern: a violation is a ValidationException, not InvalidName.
  if (name && !ALIAS_NAME.test(name)) r.violation('name', name, `Member must satisfy regular expression pattern: ${ALIAS_NAME.source}`);
  r.check();
  const routing = readRouting(ctx, r, true);
  r.check();
  const { machine } = machineOf(ctx, routing!.smArn);
  const arn = `${machine.arn}:${name}`;
  const existing = ctx.store.machines.alias(arn);
  const routingText = JSON.stringify(routing!.routes);
  if (existing) {
    if (existing.routing === routingText && (existing.description ?? undefined) === description) {
      return { stateMachineAliasArn: arn, creationDate: existing.createdMs };
    }
    throw new ServiceError('ConflictException', `Failed to create alias because an alias with the same name and a different routing configuration already exists.`);
  }
  const now = ctx.clock.now();
  ctx.store.machines.putAlias({ arn, smArn: machine.arn, name, description: description ?? null, routing: routingText, createdMs: now, updatedMs: now });
  return { stateMachineAliasArn: arn, creationDate: now };
}

export function describeStateMachineAlias(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineAliasArn', { required: true, min: 1, max: 256 });
  r.check();
  const a = aliasOf(ctx, arn);
  return {
    stateMachineAliasArn: a.arn, name: a.name, ...(a.description !== null ? { description: a.description } : {}),
    routingConfiguration: JSON.parse(a.routing) as Route[], creationDate: a.createdMs, updateDate: a.updatedMs,
  };
}

export function updateStateMachineAlias(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineAliasArn', { required: true, min: 1, max: 256 });
  const description = r.str('description', { max: 256 });
  const routing = readRouting(ctx, r, false);
  r.check();
  const a = aliasOf(ctx, arn);
  if (description === undefined && !routing) {
    throw new ServiceError('ValidationException', 'Either the description or the RoutingConfiguration must be specified', 400, { reason: 'MISSING_REQUIRED_PARAMETER' });
  }
  if (routing && routing.smArn !== a.smArn) throw routingError('Routing configuration must contain versions of the aliased state machine');
  const now = ctx.clock.now();
  ctx.store.machines.putAlias({
    ...a, description: description ?? a.description, routing: routing ? JSON.stringify(routing.routes) : a.routing, updatedMs: now,
  });
  return { updateDate: now };
}

export function deleteStateMachineAlias(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineAliasArn', { required: true, min: 1, max: 256 });
  r.check();
  aliasOf(ctx, arn);
  ctx.store.transaction(() => {
    ctx.store.machines.deleteAlias(arn);
  });
  return {};
}

export function listStateMachineAliases(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  const limit = pageSize(r);
  const token = r.str('nextToken', { min: 1, max: 1024 });
  r.check();
  const { machine } = machineOf(ctx, arn);
  const rows = ctx.store.machines.aliases(machine.arn, pageToken.decode(token) ?? '', limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.createdMs })),
    ...(rows.length > limit ? { nextToken: pageToken.encode(page[page.length - 1]!.name) } : {}),
  };
}
