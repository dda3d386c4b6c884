/**
 * Starting and stopping executions: StartExecution (name idempotency as AWS: the same name and input while
 * RUNNING returns the same execution, anything else is ExecutionAlreadyExists), StartSyncExecution (Express
 * only, in memory, only the result is returned) and StopExecution.
 */
import { jsonSyntaxError } from '../asl/parse.js';
import type { ExecutionMeta } from '../engine/contract.js';
import { resultOfRow as rowResult, type ExecutionResult } from '../runtime/live-execution.js';
import type { Json } from '../util/json.js';
import { formatTimestamp } from '../util/time.js';
import { redriveVerdict } from '../runtime/redrive.js';
import { routeAlias } from './aliases.js';
import { arns, parseExecutionArn } from './arns.js';
import { machineOf, programFor, revisionOf, type ServiceContext } from './context.js';
import { invalidArn, notFound, ServiceError } from './errors.js';
import { req, validName } from './request.js';
import { nextSeed } from './seeds.js';

/** Parses execution input as AWS does, with Jackson's wording for malformed JSON. */
export function parseInput(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    const reason = text.trim() === '' ? 'Invalid execution input.' : jsonSyntaxError(text)?.reason ?? 'Invalid execution input.';
    throw new ServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${reason}'`);
  }
}

export interface Started {
  executionArn: string;
  startDate: number;
  /** Resolves when the execution finishes. */
  readonly done: Promise<ExecutionResult>;
}

/**
 * A started execution; `done` is read from the runner's handle when asked for (a persisted execution's result
 * promise is made only then). A class for the reason given at runtime/runner.ts StartHandle.
 */
class StartedExecution implements Started {
  /** Private (#): serialising or logging a started execution never walks into the runner's LiveExecution. */
  readonly #handle: { readonly done: Promise<ExecutionResult> };

  constructor(
    readonly executionArn: string, readonly startDate: number, handle: { readonly done: Promise<ExecutionResult> },
    readonly input: string, readonly meta?: ExecutionMeta,
  ) {
    this.#handle = handle;
  }

  get done(): Promise<ExecutionResult> {
    return this.#handle.done;
  }
}

/**
 * The result of an execution that was already running, asked for only when read: a waiter keeps an execution in
 * memory (one waiting on a distant timer would otherwise leave it, runtime/residency.ts), which a repeated
 * StartExecution that nobody awaits must not do. A start still being committed when it was repeated may have
 * failed since: it has no row, and reads as FAILED.
 */
class RunningExecution {
  constructor(private readonly ctx: ServiceContext, private readonly executionArn: string) {}

  get done(): Promise<ExecutionResult> {
    return this.ctx.runner.result(this.executionArn);
  }
}

/** StartExecution / StartSyncExecution core: validates, resolves version/alias, hands the Start to the runner. */
export async function start(ctx: ServiceContext, body: unknown, sync: boolean): Promise<StartedExecution> {
  const r = req(body);
  const smArn = r.str('stateMachineArn', { required: true, min: 1, max: 256 });
  const nameIn = r.str('name', { min: 1, max: 80 });
  const inputText = r.str('input', { maxBytes: 262_144, sensitive: true }) ?? '{}';
  const traceHeader = r.str('traceHeader', { max: 256 });
  r.check();
  const { ref, machine } = machineOf(ctx, smArn);
  let revisionId = machine.revisionId;
  let versionArn: string | undefined;
  let aliasArn: string | undefined;
  if (ref.kind === 'version') {
    const v = ctx.store.machines.version(smArn);
    if (!v) throw notFound.stateMachine(smArn);
    versionArn = v.arn;
    revisionId = v.revisionId;
  } else if (ref.kind === 'alias') {
    const a = ctx.store.machines.alias(smArn);
    if (!a) throw notFound.stateMachine(smArn);
    aliasArn = a.arn;
    versionArn = routeAlias(ctx, a);
    revisionId = ctx.store.machines.version(versionArn)?.revisionId ?? revisionId;
  }
  if (sync && machine.type !== 'EXPRESS') {
    throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
  }
  const input = parseInput(inputText);
  const name = nameIn ?? ctx.uuid();
  if (nameIn !== undefined && !validName(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
  const express = machine.type === 'EXPRESS';
  const executionArn = express ? arns.express(ctx.scope, machine.name, name, ctx.uuid()) : arns.execution(ctx.scope, machine.name, name);

  if (!express) {
    const pending = ctx.runner.get(executionArn);
    const existing = ctx.store.executions.get(executionArn);
    const sameRunning = pending
      ? (pending.insert?.input ?? existing?.input) === inputText
      : existing?.status === 'RUNNING' && existing.input === inputText;
    if (pending || existing) {
      if (!sameRunning) throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      const startMs = existing?.startMs ?? pending?.insert?.startMs ?? ctx.clock.now();
      return new StartedExecution(executionArn, startMs, new RunningExecution(ctx, executionArn), inputText);
    }
  }

  const rev = revisionOf(ctx, revisionId);
  const now = ctx.clock.now();
  const meta: ExecutionMeta = {
    executionArn, executionName: name, stateMachineArn: machine.arn, stateMachineName: machine.name,
    roleArn: rev.roleArn, startTime: formatTimestamp(now), region: ctx.scope.region, account: ctx.scope.account,
    type: machine.type, redriveCount: 0,
    ...(versionArn ? { stateMachineVersionArn: versionArn } : {}),
    ...(aliasArn ? { stateMachineAliasArn: aliasArn } : {}),
  };
  const seed = nextSeed();
  const handle = ctx.runner.start({
    persist: !express,
    program: programFor(ctx, rev),
    row: {
      arn: executionArn, smArn: machine.arn, name, revisionId, versionArn: versionArn ?? null, aliasArn: aliasArn ?? null,
      status: 'RUNNING', input: inputText, startMs: now, traceHeader: traceHeader ?? null, seed,
    },
    start: { kind: 'Start', now, input, inputText, meta, seed },
  });
  const live = await handle.committed;
  // No state and not parked: the runner refused the Start (a parked one, waiting on a distant timer, is stored).
  if (!live.state && !live.parked) throw new ServiceError('InternalFailure', `The execution ${executionArn} could not be started`, 500);
  // A getter: reading `done` makes the result promise of a persisted execution (see Runner.start).
  return new StartedExecution(executionArn, now, handle, inputText, meta);
}

/** The final result of a stored execution. */
export function resultOfRow(ctx: ServiceContext, arn: string): ExecutionResult {
  const row = ctx.store.executions.get(arn);
  if (!row) throw notFound.execution(arn);
  return rowResult(row, ctx.clock.now());
}

/** StartExecution. */
export async function startExecution(ctx: ServiceContext, body: unknown) {
  const s = await start(ctx, body, false);
  return { executionArn: s.executionArn, startDate: s.startDate };
}

/** StartSyncExecution: runs an Express execution to its end and returns the result (200 even when it failed). */
export async function startSyncExecution(ctx: ServiceContext, body: unknown) {
  const s = await start(ctx, body, true);
  const result = await s.done;
  const billed = Math.max(100, Math.ceil((result.stopMs - s.startDate) / 100) * 100);
  return {
    executionArn: s.executionArn,
    stateMachineArn: s.meta?.stateMachineArn,
    name: s.meta?.executionName,
    startDate: s.startDate,
    stopDate: result.stopMs,
    status: result.status,
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.cause !== undefined ? { cause: result.cause } : {}),
    input: s.input,
    inputDetails: { included: true },
    ...(result.output !== undefined ? { output: result.output, outputDetails: { included: true } } : {}),
    billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: billed },
  };
}

/** StopExecution: feeds Stop to the engine and answers after the abort is committed. */
export async function stopExecution(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('executionArn', { required: true, min: 1, max: 256 });
  const error = r.str('error', { max: 256, sensitive: true });
  const cause = r.str('cause', { max: 32_768, sensitive: true });
  r.check();
  if (parseExecutionArn(arn).express) throw invalidArn('Resource type not valid in this context: express');
  if (!ctx.store.executions.get(arn) && !ctx.runner.get(arn)) throw notFound.execution(arn);
  await ctx.runner.sendAndCommit(arn, {
    kind: 'Stop', now: ctx.clock.now(), ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}),
  });
  const row = ctx.store.executions.get(arn);
  return { stopDate: row?.stopMs ?? ctx.clock.now() };
}

/** Client tokens of recent redrives per context and execution: AWS keeps the last 10 for 15 minutes. */
const recentTokens = new WeakMap<ServiceContext, Map<string, { token: string; atMs: number }[]>>();
const TOKEN_TTL_MS = 15 * 60 * 1000;

/**
 * RedriveExecution: restarts a FAILED / TIMED_OUT / ABORTED Standard execution from the state that did not
 * succeed (same ARN, input and definition; AWS "Redriving executions"). A `clientToken` seen for the same
 * execution in the last 15 minutes answers with that redrive's date instead of redriving again.
 */
export async function redriveExecution(ctx: ServiceContext, body: unknown) {
  const r = req(body);
  const arn = r.str('executionArn', { required: true, min: 1, max: 256 });
  const clientToken = r.str('clientToken', { min: 1, max: 64 });
  r.check();
  if (parseExecutionArn(arn).express) throw invalidArn('Resource type not valid in this context: express');
  const row = ctx.store.executions.get(arn);
  if (!row) throw notFound.execution(arn);
  const now = ctx.clock.now();
  const byArn = recentTokens.get(ctx) ?? new Map<string, { token: string; atMs: number }[]>();
  recentTokens.set(ctx, byArn);
  const recent = (byArn.get(arn) ?? []).filter((t) => now - t.atMs <= TOKEN_TTL_MS);
  const seen = clientToken !== undefined ? recent.find((t) => t.token === clientToken) : undefined;
  if (seen) return { redriveDate: seen.atMs };
  const verdict = redriveVerdict(row, now, ctx.runner.get(arn) !== undefined);
  if (!verdict.redrivable) throw new ServiceError('ExecutionNotRedrivable', `Execution ${arn} cannot be redriven: ${verdict.reason}`);
  const program = programFor(ctx, revisionOf(ctx, row.revisionId));
  const ok = await ctx.runner.redrive(row, program, { kind: 'Redrive', now });
  if (!ok) throw new ServiceError('ExecutionNotRedrivable', `Execution ${arn} cannot be redriven: Execution is ${ctx.store.executions.get(arn)?.status ?? row.status} and cannot be redriven`);
  if (clientToken !== undefined) byArn.set(arn, [...recent, { token: clientToken, atMs: now }].slice(-10));
  return { redriveDate: now };
}
