/** What every use case needs: the store, the runner, the engine port, the clock and the ARN scope. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../runtime/clock.js';
import type { EnginePort } from '../runtime/engine-port.js';
import type { Runner } from '../runtime/runner.js';
import type { MachineRow, RevisionRow, Store } from '../store/index.js';
import type { ArnScope } from './arns.js';
import { notFound, ServiceError } from './errors.js';
import { parseStateMachineArn, type StateMachineRef } from './arns.js';

export interface ServiceContext {
  store: Store;
  runner: Runner;
  engine: EnginePort;
  clock: Clock;
  scope: ArnScope;
  /** Compiled programs by revision id (revisions are immutable, so the cache never goes stale). */
  programs: Map<string, unknown>;
  uuid: () => string;
  /** Uniform [0, 1) source for alias routing; injectable so tests can control it. */
  random: () => number;
}

/** Builds a context; `uuid`/`random` default to node:crypto. */
export function makeContext(parts: Omit<ServiceContext, 'programs' | 'uuid' | 'random'> & Partial<ServiceContext>): ServiceContext {
  return { programs: new Map(), uuid: randomUUID, random: () => Math.random(), ...parts };
}

/** The compiled program of a revision. */
export function programFor(ctx: ServiceContext, rev: RevisionRow): unknown {
  let p = ctx.programs.get(rev.revisionId);
  if (p === undefined) {
    p = ctx.engine.compile(rev.definition);
    ctx.programs.set(rev.revisionId, p);
  }
  return p;
}

/** The machine a (possibly qualified) ARN names, or StateMachineDoesNotExist. */
export function machineOf(ctx: ServiceContext, arn: string): { ref: StateMachineRef; machine: MachineRow } {
  const ref = parseStateMachineArn(arn);
  const machine = ctx.store.machines.get(ref.baseArn);
  if (!machine) throw notFound.stateMachine(arn);
  return { ref, machine };
}

/** A revision that must exist (revisions are never deleted). */
export function revisionOf(ctx: ServiceContext, id: string): RevisionRow {
  const rev = ctx.store.machines.revision(id);
  if (!rev) throw new ServiceError('InternalFailure', `revision ${id} is missing`, 500);
  return rev;
}
