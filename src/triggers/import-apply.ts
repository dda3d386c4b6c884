/**
 * Applies an import plan to the service: every planned state machine is created, or updated when one with the
 * same name exists with another definition — all in ONE store transaction, so an import either lands whole or
 * changes nothing (a plan with any ERROR problem is refused before anything is written).
 */
import { OPERATIONS, type Service } from '../service/service.js';
import { ServiceError } from '../service/errors.js';
import type { ImportPlan, ImportProblem, PlannedStateMachine } from './import-report.js';
import { planHasErrors } from './import-report.js';

export interface AppliedStateMachine extends PlannedStateMachine {
  stateMachineArn: string;
  /** What the import did to it. */
  action: 'created' | 'updated' | 'unchanged' | 'planned';
}

export interface ImportResult {
  applied: boolean;
  stateMachines: (PlannedStateMachine | AppliedStateMachine)[];
  problems: ImportProblem[];
}

/** Applies `plan` unless it has errors or `dryRun`; never leaves a half-applied import behind. */
export function applyImportPlan(
  service: Service,
  plan: ImportPlan,
  opts: { dryRun?: boolean; defaultRoleArn: string },
): ImportResult {
  if (planHasErrors(plan)) return { applied: false, stateMachines: plan.stateMachines, problems: plan.problems };
  const { ctx } = service;
  if (opts.dryRun) {
    const stateMachines = plan.stateMachines.map((m) => {
      const existing = ctx.store.machines.byName(m.name);
      return { ...m, stateMachineArn: existing?.arn ?? '', action: 'planned' as const };
    });
    return { applied: false, stateMachines, problems: plan.problems };
  }
  try {
    const stateMachines = ctx.store.transaction(() => plan.stateMachines.map((m) => applyOne(service, m, opts.defaultRoleArn)));
    return { applied: true, stateMachines, problems: plan.problems };
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    // The transaction rolled back: report the refusal against the machine's place in its file.
    const problem: ImportProblem = { file: '', severity: 'ERROR', message: `${e.code}: ${e.message}` };
    return { applied: false, stateMachines: plan.stateMachines, problems: [...plan.problems, problem] };
  }
}

function applyOne(service: Service, m: PlannedStateMachine, defaultRoleArn: string): AppliedStateMachine {
  const { ctx } = service;
  const existing = ctx.store.machines.byName(m.name);
  const where = `${m.source.file}${m.source.pointer}`;
  if (!existing) {
    const tags = Object.entries(m.tags ?? {}).map(([key, value]) => ({ key, value }));
    const r = OPERATIONS['CreateStateMachine']!(ctx, {
      name: m.name, definition: m.definition, type: m.type, roleArn: m.roleArn ?? defaultRoleArn, ...(tags.length ? { tags } : {}),
    }) as { stateMachineArn: string };
    return { ...m, stateMachineArn: r.stateMachineArn, action: 'created' };
  }
  if (existing.type !== m.type) {
    // AWS cannot change a state machine's type; an import must not silently keep the old one.
    throw new ServiceError('StateMachineAlreadyExists', `${m.name} (${where}) exists as ${existing.type}, the import says ${m.type}`);
  }
  const current = OPERATIONS['DescribeStateMachine']!(ctx, { stateMachineArn: existing.arn }) as { definition: string };
  if (current.definition === m.definition) return { ...m, stateMachineArn: existing.arn, action: 'unchanged' };
  OPERATIONS['UpdateStateMachine']!(ctx, { stateMachineArn: existing.arn, definition: m.definition, ...(m.roleArn ? { roleArn: m.roleArn } : {}) });
  return { ...m, stateMachineArn: existing.arn, action: 'updated' };
}
