/** Reading executions: DescribeExecution, ListExecutions, GetExecutionHistory, DescribeStateMachineForExecution. */
import type { HistoryEvent } from '../engine/contract.js';
import type { ExecutionRow } from '../store/index.js';
import { isJsonObject, type Json } from '../util/json.js';
import { parseExecutionArn } from './arns.js';
import { machineOf, revisionOf, type ServiceContext } from './context.js';
import { redriveVerdict } from '../runtime/redrive.js';
import { invalidArn, notFound, ServiceError, validationError } from './errors.js';
import { pageSize, pageToken, req } from './request.js';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

/** A Standard execution by ARN; express ARNs are not valid here (AWS-recorded InvalidArn). */
export function executionOf(ctx: ServiceContext, arn: string): ExecutionRow {
  if (parseExecutionArn(arn).express) throw invalidArn('Resource type not valid in this context: express');
  const row = ctx.store.executions.get(arn);
  if (!row) throw notFound.execution(arn);
  return row;
}

/** redriveCount/redriveDate/redriveStatus/redriveStatusReason of DescribeExecution. */
function redrive(ctx: ServiceContext, row: ExecutionRow): Record<string, Json> {
  const verdict = redriveVerdict(row, ctx.clock.now(), ctx.runner.get(row.arn) !== undefined);
  return {
    redriveCount: row.redriveCount,
    ...(row.redriveMs !== null ? { redriveDate: row.redriveMs } : {}),
    ...(verdict.redrivable
      ? { redriveStatus: 'REDRIVABLE' }
      : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: verdict.reason }),
  };
}

/** DescribeExecution. */
export function describeExecution(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('executionArn', { required: true, min: 1, max: 256 });
  r.check();
  const row = executionOf(ctx, arn);
  // AWS shows no error/cause for TIMED_OUT executions (recorded: test_global_timeout).
  const showError = row.status === 'FAILED' || row.status === 'ABORTED';
  return {
    executionArn: row.arn,
    stateMachineArn: row.smArn,
    name: row.name,
    status: row.status,
    startDate: row.startMs,
    ...(row.stopMs !== null ? { stopDate: row.stopMs } : {}),
    input: row.input,
    inputDetails: { included: true },
    ...(row.status === 'SUCCEEDED' && row.output !== null ? { output: row.output, outputDetails: { included: true } } : {}),
    ...(showError && row.error !== null ? { error: row.error } : {}),
    ...(showError && row.cause !== null ? { cause: row.cause } : {}),
    ...(row.traceHeader !== null ? { traceHeader: row.traceHeader } : {}),
    ...(row.versionArn !== null ? { stateMachineVersionArn: row.versionArn } : {}),
    ...(row.aliasArn !== null ? { stateMachineAliasArn: row.aliasArn } : {}),
    ...redrive(ctx, row),
  };
}

/** ListExecutions: newest first, optional status filter; not for EXPRESS state machines. */
export function listExecutions(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const smArn = r.str('stateMachineArn', { min: 1, max: 256 });
  const mapRunArn = r.str('mapRunArn', { min: 1, max: 2000 });
  const status = r.str('statusFilter', { enum: STATUSES });
  const limit = pageSize(r);
  const token = r.str('nextToken', { min: 1, max: 3096 });
  const redriveFilter = r.str('redriveFilter', { enum: ['REDRIVEN', 'NOT_REDRIVEN'] });
  r.check();
  if (mapRunArn !== undefined) throw notFound.resource(mapRunArn, 'Map Run');
  if (smArn === undefined) throw validationError(["Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"]);
  const { ref, machine } = machineOf(ctx, smArn);
  if (machine.type === 'EXPRESS') {
    throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
  }
  const beforeId = Number(pageToken.decode(token) ?? Number.MAX_SAFE_INTEGER);
  const rows = ctx.store.executions.list({
    ...(ref.kind === 'machine' ? { smArn: machine.arn } : { qualifiedArn: smArn }),
    ...(status ? { status } : {}),
    beforeId, limit: limit + 1,
    ...(redriveFilter !== undefined ? { redriven: redriveFilter === 'REDRIVEN' } : {}),
  });
  const page = rows.slice(0, limit);
  return {
    executions: page.map((e) => ({
      executionArn: e.arn, stateMachineArn: e.smArn, name: e.name, status: e.status, startDate: e.startMs,
      ...(e.stopMs !== null ? { stopDate: e.stopMs } : {}),
      ...(e.versionArn !== null ? { stateMachineVersionArn: e.versionArn } : {}),
      ...(e.aliasArn !== null ? { stateMachineAliasArn: e.aliasArn } : {}),
      redriveCount: e.redriveCount,
      ...(e.redriveMs !== null ? { redriveDate: e.redriveMs } : {}),
    })),
    ...(rows.length > limit ? { nextToken: pageToken.encode(String(page[page.length - 1]!.id)) } : {}),
  };
}

const DATA_KEYS = new Set(['input', 'output', 'parameters']);

/** The event without its payload members (`includeExecutionData: false`). */
function withoutData(e: HistoryEvent): HistoryEvent {
  const out: HistoryEvent = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventDetails') && isJsonObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).filter(([key]) => !DATA_KEYS.has(key)));
    }
  }
  return out;
}

/** GetExecutionHistory: ascending (or `reverseOrder`), paged by event id. */
export function getExecutionHistory(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('executionArn', { required: true, min: 1, max: 256 });
  const limit = pageSize(r);
  const reverse = r.bool('reverseOrder') ?? false;
  const token = r.str('nextToken', { min: 1, max: 1024 });
  const includeData = r.bool('includeExecutionData') ?? true;
  r.check();
  const row = executionOf(ctx, arn);
  const cursor = pageToken.decode(token);
  const events = reverse
    ? ctx.store.executions.history(row.id, { before: cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(cursor), limit: limit + 1 })
    : ctx.store.executions.history(row.id, { after: cursor === undefined ? 0 : Number(cursor), limit: limit + 1 });
  const page = events.slice(0, limit);
  return {
    events: includeData ? page : page.map(withoutData),
    ...(events.length > limit ? { nextToken: pageToken.encode(String(page[page.length - 1]!.id)) } : {}),
  };
}

/** DescribeStateMachineForExecution: the definition the execution actually ran with. */
export function describeStateMachineForExecution(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('executionArn', { required: true, min: 1, max: 256 });
  r.check();
  const row = executionOf(ctx, arn);
  const rev = revisionOf(ctx, row.revisionId);
  const machine = ctx.store.machines.get(row.smArn);
  return {
    stateMachineArn: row.smArn,
    name: row.smArn.split(':')[6] ?? '',
    definition: rev.definition,
    roleArn: rev.roleArn,
    updateDate: rev.createdMs,
    loggingConfiguration: JSON.parse(machine?.logging ?? '{"level":"OFF","includeExecutionData":false}') as Json,
    tracingConfiguration: JSON.parse(machine?.tracing ?? '{"enabled":false}') as Json,
    revisionId: rev.revisionId,
  };
}
