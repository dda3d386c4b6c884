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
  /** Names of the schedules created or updated for it (SAM `Events` / EventBridge rules in the template). */
  scheduleNames?: string[];
}

/** Where imported schedules go (the schedules use cases of `startTriggers`); absent: schedules are only reported. */
export interface ScheduleSink {
  list(): unknown;
  create(body: unknown): unknown;
  update(name: string, body: unknown): unknown;
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
  opts: { dryRun?: boolean; defaultRoleArn: string; schedules?: ScheduleSink },
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
    const stateMachines = ctx.store.transaction(() => plan.stateMachines.map((m) => {
      const applied = applyOne(service, m, opts.defaultRoleArn);
      return opts.schedules && m.schedules.length > 0 ? { ...applied, scheduleNames: applySchedules(opts.schedules, applied) } : applied;
    }));
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

/** Schedule name for the i-th schedule of a machine: its own name, else `<machine>-schedule-<i>`; AWS name rules. */
function scheduleName(machine: string, given: string | undefined, i: number): string {
  const raw = given ?? `${machine}-schedule-${i + 1}`;
  return raw.replace(/[^0-9a-zA-Z_.-]/g, '-').slice(0, 64);
}

/** Creates each imported schedule, or updates it when a schedule of that name exists (re-import is idempotent). */
function applySchedules(sink: ScheduleSink, m: AppliedStateMachine): string[] {
  const listed = sink.list() as { schedules?: { name: string }[] };
  const existing = new Set((listed.schedules ?? []).map((x) => x.name));
  return m.schedules.map((sch, i) => {
    const name = scheduleName(m.name, sch.name, i);
    const body = {
      name, expression: sch.expression, stateMachineArn: m.stateMachineArn, enabled: sch.enabled,
      ...(sch.input !== undefined ? { input: sch.input } : {}),
    };
    if (existing.has(name)) sink.update(name, body);
    else sink.create(body);
    return name;
  });
}
