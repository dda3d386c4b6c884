/**
 * State machine use cases: Create (idempotent per sfn-api.md §2.6), Describe, Update (new revision, optional
 * publish), Delete, List and ValidateStateMachineDefinition.
 */
import type { MachineRow } from '../store/index.js';
import { arns } from './arns.js';
import { machineOf, revisionOf, type ServiceContext } from './context.js';
import { assertValidDefinition, diagnose, type MachineType } from './definitions.js';
import { notFound, ServiceError } from './errors.js';
import { pageSize, pageToken, req, validName, type Req } from './request.js';
import { applyTags, readTags } from './tags.js';
import { publishVersion } from './versions.js';

const TYPES = ['STANDARD', 'EXPRESS'] as const;
const LEVELS = ['ALL', 'ERROR', 'FATAL', 'OFF'] as const;
const DEFAULT_LOGGING = { level: 'OFF', includeExecutionData: false };
const DEFAULT_TRACING = { enabled: false };

/** Reads and checks loggingConfiguration: a level other than OFF needs exactly one destination. */
function readLogging(r: Req): string | undefined {
  const lc = r.obj('loggingConfiguration');
  if (!lc) return undefined;
  const level = lc['level'] ?? 'OFF';
  if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
    r.violation('loggingConfiguration.level', level, `Member must satisfy enum value set: [${LEVELS.join(', ')}]`);
  }
  const destinations = Array.isArray(lc['destinations']) ? lc['destinations'] : [];
  if (destinations.length > 1 || (level !== 'OFF' && destinations.length !== 1)) {
    throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  }
  const out: Record<string, unknown> = { level, includeExecutionData: lc['includeExecutionData'] === true };
  if (destinations.length > 0) out['destinations'] = destinations;
  return JSON.stringify(out);
}

function readTracing(r: Req): string | undefined {
  const t = r.obj('tracingConfiguration');
  return t ? JSON.stringify({ enabled: t['enabled'] === true }) : undefined;
}

function readEncryption(r: Req): string | undefined {
  const e = r.obj('encryptionConfiguration');
  return e ? JSON.stringify(e) : undefined;
}

/** CreateStateMachine. */
export function createStateMachine(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const name = r.str('name', { required: true, min: 1, max: 80 });
  const definition = r.str('definition', { required: true, min: 1, max: 1_048_576, sensitive: true });
  const roleArn = r.str('roleArn', { required: true, min: 1, max: 256 });
  const type = (r.str('type', { enum: TYPES }) ?? 'STANDARD') as MachineType;
  const logging = readLogging(r) ?? JSON.stringify(DEFAULT_LOGGING);
  const tracing = readTracing(r) ?? JSON.stringify(DEFAULT_TRACING);
  const encryption = readEncryption(r) ?? null;
  const publish = r.bool('publish') ?? false;
  const versionDescription = r.str('versionDescription', { max: 256 });
  const tags = readTags(r, 'tags');
  r.check();
  if (versionDescription !== undefined && !publish) {
    throw new ServiceError('ValidationException', 'Version description can only be set when publish is true');
  }
  if (!validName(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
  if (!roleArn.startsWith('arn:')) throw new ServiceError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${roleArn}'`);
  assertValidDefinition(definition, type);

  const existing = ctx.store.machines.byName(name);
  if (existing) {
    const rev = revisionOf(ctx, existing.revisionId);
    const same = rev.definition === definition && existing.type === type && existing.logging === logging &&
      existing.tracing === tracing && existing.encryption === encryption;
    if (!same) throw new ServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${existing.arn}'`);
    // Publishing an unchanged revision returns its existing version (sfn-api.md §2.2).
    const version = publish ? publishVersion(ctx, existing, versionDescription) : undefined;
    return { stateMachineArn: existing.arn, creationDate: existing.createdMs, ...(version ? { stateMachineVersionArn: version.arn } : {}) };
  }
  const now = ctx.clock.now();
  const arn = arns.stateMachine(ctx.scope, name);
  const row: MachineRow = {
    arn, name, type, revisionId: ctx.uuid(), logging, tracing, encryption, description: null,
    createdMs: now, updatedMs: now, nextVersion: 1,
  };
  return ctx.store.transaction(() => {
    ctx.store.machines.insertRevision({ revisionId: row.revisionId, smArn: arn, definition, roleArn, createdMs: now });
    ctx.store.machines.insert(row);
    applyTags(ctx, arn, tags);
    const version = publish ? publishVersion(ctx, row, versionDescription) : undefined;
    return { stateMachineArn: arn, creationDate: now, ...(version ? { stateMachineVersionArn: version.arn } : {}) };
  });
}

/** DescribeStateMachine (plain, version or alias ARN). */
export function describeStateMachine(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  r.check();
  const { ref, machine } = machineOf(ctx, arn);
  let revisionId = machine.revisionId;
  let created = machine.createdMs;
  let description: string | undefined;
  if (ref.kind === 'version') {
    const v = ctx.store.machines.version(arn);
    if (!v) throw notFound.stateMachine(arn);
    revisionId = v.revisionId;
    created = v.createdMs;
    description = v.description ?? undefined;
  } else if (ref.kind === 'alias' && !ctx.store.machines.alias(arn)) {
    throw notFound.stateMachine(arn);
  }
  const rev = revisionOf(ctx, revisionId);
  return {
    stateMachineArn: ref.kind === 'version' ? arn : machine.arn,
    name: machine.name,
    status: 'ACTIVE',
    definition: rev.definition,
    roleArn: rev.roleArn,
    type: machine.type,
    creationDate: created,
    loggingConfiguration: JSON.parse(machine.logging ?? JSON.stringify(DEFAULT_LOGGING)) as unknown,
    tracingConfiguration: JSON.parse(machine.tracing ?? JSON.stringify(DEFAULT_TRACING)) as unknown,
    ...(machine.encryption ? { encryptionConfiguration: JSON.parse(machine.encryption) as unknown } : {}),
    revisionId: rev.revisionId,
    ...(description !== undefined ? { description } : {}),
  };
}

/** UpdateStateMachine: a new revision; `publish` also publishes it as a version. */
export function updateStateMachine(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  const definition = r.str('definition', { min: 1, max: 1_048_576, sensitive: true });
  const roleArn = r.str('roleArn', { min: 1, max: 256 });
  const logging = readLogging(r);
  const tracing = readTracing(r);
  const encryption = readEncryption(r);
  const publish = r.bool('publish') ?? false;
  const versionDescription = r.str('versionDescription', { max: 256 });
  r.check();
  const { ref, machine } = machineOf(ctx, arn);
  if (ref.kind !== 'machine') throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${ref.kind === 'version' ? 'stateMachine version' : 'stateMachine alias'}'`);
  if (definition === undefined && roleArn === undefined && logging === undefined && tracing === undefined && encryption === undefined) {
    throw new ServiceError('MissingRequiredParameter',
      'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
  }
  if (versionDescription !== undefined && !publish) {
    throw new ServiceError('ValidationException', 'Version description can only be set when publish is true');
  }
  if (definition !== undefined) assertValidDefinition(definition, machine.type);
  const now = ctx.clock.now();
  const rev = revisionOf(ctx, machine.revisionId);
  const changed = (definition !== undefined && definition !== rev.definition) || (roleArn !== undefined && roleArn !== rev.roleArn);
  const next: MachineRow = {
    ...machine,
    logging: logging ?? machine.logging,
    tracing: tracing ?? machine.tracing,
    encryption: encryption ?? machine.encryption,
    updatedMs: now,
    revisionId: changed ? ctx.uuid() : machine.revisionId,
  };
  return ctx.store.transaction(() => {
    if (changed) {
      ctx.store.machines.insertRevision({
        revisionId: next.revisionId, smArn: machine.arn, definition: definition ?? rev.definition,
        roleArn: roleArn ?? rev.roleArn, createdMs: now,
      });
    }
    ctx.store.machines.update(next);
    const version = publish ? publishVersion(ctx, next, versionDescription) : undefined;
    return { updateDate: now, revisionId: next.revisionId, ...(version ? { stateMachineVersionArn: version.arn } : {}) };
  });
}

/** DeleteStateMachine: deleting one that does not exist succeeds (AWS parity). */
export function deleteStateMachine(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  r.check();
  const { ref, machine } = (() => {
    try {
      return machineOf(ctx, arn);
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'StateMachineDoesNotExist') return { ref: undefined, machine: undefined };
      throw e;
    }
  })();
  if (!machine || !ref) return {};
  if (ref.kind === 'version') throw new ServiceError('ValidationException', 'Use DeleteStateMachineVersion to delete a state machine version', 400);
  if (ref.kind === 'alias') throw new ServiceError('ValidationException', 'Use DeleteStateMachineAlias to delete a state machine alias', 400);
  ctx.store.machines.delete(machine.arn);
  return {};
}

/** ListStateMachines, ordered by name. */
export function listStateMachines(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const limit = pageSize(r);
  const token = r.str('nextToken', { min: 1, max: 1024 });
  r.check();
  const after = pageToken.decode(token) ?? '';
  const rows = ctx.store.machines.list(after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: m.createdMs })),
    ...(rows.length > limit ? { nextToken: pageToken.encode(page[page.length - 1]!.name) } : {}),
  };
}

/** ValidateStateMachineDefinition: always 200, with diagnostics. */
export function validateStateMachineDefinition(_ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const definition = r.str('definition', { required: true, min: 1, max: 1_048_576, sensitive: true });
  const type = (r.str('type', { enum: TYPES }) ?? 'STANDARD') as MachineType;
  const severity = r.str('severity', { enum: ['ERROR', 'WARNING'] }) ?? 'ERROR';
  const max = r.int('maxResults', { min: 0, max: 100 }) ?? 0;
  r.check();
  const all = diagnose(definition, type).filter((d) => severity === 'WARNING' || d.severity === 'ERROR');
  const limit = max === 0 ? 100 : max;
  const diagnostics = all.slice(0, limit);
  return {
    result: all.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK',
    diagnostics,
    truncated: all.length > limit,
  };
}
