/** State machine versions: publish (explicitly or via create/update `publish`), list, delete. */
import type { MachineRow, VersionRow } from '../store/index.js';
import { machineOf, type ServiceContext } from './context.js';
import { ServiceError } from './errors.js';
import { pageSize, pageToken, req } from './request.js';

/** Publishes the machine's current revision; an unchanged revision returns the newest existing version. */
export function publishVersion(ctx: ServiceContext, machine: MachineRow, description?: string): VersionRow {
  const [latest] = ctx.store.machines.versions(machine.arn, Number.MAX_SAFE_INTEGER, 1);
  if (latest && latest.revisionId === machine.revisionId) return latest;
  const row: VersionRow = {
    arn: `${machine.arn}:${machine.nextVersion}`,
    smArn: machine.arn,
    version: machine.nextVersion,
    revisionId: machine.revisionId,
    description: description ?? null,
    createdMs: ctx.clock.now(),
  };
  ctx.store.transaction(() => {
    ctx.store.machines.insertVersion(row);
    ctx.store.machines.update({ ...machine, nextVersion: machine.nextVersion + 1 });
  });
  machine.nextVersion += 1;
  return row;
}

/** PublishStateMachineVersion. */
export function publishStateMachineVersion(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  const revisionId = r.str('revisionId');
  const description = r.str('description', { max: 256 });
  r.check();
  const { ref, machine } = machineOf(ctx, arn);
  if (ref.kind !== 'machine') throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: stateMachine ${ref.kind}'`);
  if (revisionId !== undefined && revisionId !== machine.revisionId) {
    throw new ServiceError('ConflictException',
      `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${machine.revisionId}.`);
  }
  const v = publishVersion(ctx, machine, description);
  return { creationDate: v.createdMs, stateMachineVersionArn: v.arn };
}

/** ListStateMachineVersions, newest first. */
export function listStateMachineVersions(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  const limit = pageSize(r);
  const token = r.str('nextToken', { min: 1, max: 1024 });
  r.check();
  const { machine } = machineOf(ctx, arn);
  const below = Number(pageToken.decode(token) ?? Number.MAX_SAFE_INTEGER);
  const rows = ctx.store.machines.versions(machine.arn, below, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.createdMs })),
    ...(rows.length > limit ? { nextToken: pageToken.encode(String(page[page.length - 1]!.version)) } : {}),
  };
}

/** DeleteStateMachineVersion: refused while an alias routes to it; a missing version is a no-op. */
export function deleteStateMachineVersion(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('stateMachineVersionArn', { required: true, min: 1, max: 256 });
  r.check();
  let found;
  try {
    found = machineOf(ctx, arn);
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'StateMachineDoesNotExist') return {};
    throw e;
  }
  if (found.ref.kind !== 'version') throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: stateMachine'`);
  const aliases = ctx.store.machines.aliases(found.machine.arn, '', 1000);
  const user = aliases.find((a) => (JSON.parse(a.routing) as { stateMachineVersionArn: string }[]).some((x) => x.stateMachineVersionArn === arn));
  if (user) {
    throw new ServiceError('ConflictException',
      `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${user.name}]`);
  }
  if (!ctx.store.machines.version(arn)) return {};
  ctx.store.machines.deleteVersion(arn);
  return {};
}

