/**
 * Queue pollers: every enabled event-source mapping leases batches of visible messages (one transaction per
 * lease) and starts one execution per lease, named after the lease. When the execution SUCCEEDS its messages are
 * deleted; when it fails, times out or is aborted they become visible again, or go to the dead-letter queue
 * after `maxReceiveCount` receives. A lease that outlives the queue's visibility timeout stops its execution
 * (AWS: a consumer must finish within the visibility timeout or the message is received again), which then
 * counts as a failure. On startup every stored lease is re-attached: started executions are awaited, leases
 * whose execution never started are started under the same name (or redelivered once expired).
 */
import { arns, parseStateMachineArn } from '../service/arns.js';
import { machineOf } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { md5, onQueueActivity, queuesOf } from '../service/queues.js';
import type { Service } from '../service/service.js';
import type { LeaseRow, MappingRow } from '../service/queues.js';
import { leaseExecutionName, sqsEvent } from './queue-records.js';

export interface QueueOptions {
  /** How often mappings are polled besides the wake-up on every send (ms, default 200). */
  pollMs?: number;
  log?: (line: string) => void;
}

interface Outcome {
  status: string;
  error?: string | undefined;
  cause?: string | undefined;
}

/** Starts the pollers of every mapping and re-attaches the leases left by a previous run. */
export function startQueues(service: Service, opts: QueueOptions = {}): { close(): Promise<void> } {
  const { ctx } = service;
  const repo = queuesOf(ctx);
  const pollMs = opts.pollMs ?? 200;
  const log = opts.log ?? (() => {});
  const active = new Map<number, { expiry?: unknown; arn?: string }>();
  let closed = false;
  let timer: unknown;

  /** The ARN a Standard execution of this lease has (or will have). */
  const executionArnOf = (lease: LeaseRow) =>
    arns.execution(ctx.scope, parseStateMachineArn(lease.smArn).name, lease.executionName);

  async function start(lease: LeaseRow): Promise<Outcome & { arn?: string }> {
    const express = machineOf(ctx, lease.smArn).machine.type === 'EXPRESS';
    const request = { stateMachineArn: lease.smArn, name: lease.executionName, input: lease.input };
    if (express) {
      // Express executions keep no record to await after a restart: they run synchronously, at least once (AWS).
      return (await service.call('StartSyncExecution', request)) as Outcome;
    }
    let arn: string;
    try {
      arn = ((await service.call('StartExecution', request)) as { executionArn: string }).executionArn;
    } catch (e) {
      // Already started and finished before a crash (same name): await the stored result instead.
      if (!(e instanceof ServiceError && e.code === 'ExecutionAlreadyExists')) throw e;
      arn = executionArnOf(lease);
    }
    if (closed) return { status: 'CLOSED', arn };
    repo.setExecutionArn(lease.id, arn);
    const entry = active.get(lease.id);
    if (entry) entry.arn = arn;
    if (ctx.clock.now() >= lease.expiresMs) void expire(lease.id);
    return { ...(await service.waitForExecution(arn)), arn };
  }

  /** Runs a lease to its end: start (or re-attach), await, settle. */
  async function run(lease: LeaseRow): Promise<void> {
    const entry: { expiry?: unknown; arn?: string } = lease.executionArn ? { arn: lease.executionArn } : {};
    active.set(lease.id, entry);
    entry.expiry = ctx.clock.setTimer(lease.expiresMs, () => void expire(lease.id));
    let outcome: Outcome;
    try {
      outcome = lease.executionArn ? await service.waitForExecution(lease.executionArn) : await start(lease);
      // A stored RUNNING row that the runner does not hold (never expected): look again later, never settle on it.
      while (outcome.status === 'RUNNING' && !closed) {
        await new Promise((r) => ctx.clock.setTimer(ctx.clock.now() + 1000, () => r(undefined)));
        outcome = await service.waitForExecution(entry.arn ?? lease.executionArn!);
      }
    } catch (e) {
      outcome = { status: 'FAILED', error: 'Queue.StartFailed', cause: (e as Error).message };
      log(`queues: lease ${lease.id} of ${lease.queue}: ${(e as Error).message}`);
    }
    if (closed || outcome.status === 'CLOSED') return;
    ctx.clock.clearTimer(entry.expiry);
    active.delete(lease.id);
    settle(lease, outcome);
  }

  function settle(lease: LeaseRow, outcome: Outcome): void {
    if (outcome.status === 'SUCCEEDED') {
      repo.settleSuccess(lease.id);
    } else {
      const q = repo.queue(lease.queue);
      const error = outcome.error ?? `States.${outcome.status}`;
      if (q) {
        const dead = repo.settleFailure(lease.id, q, ctx.clock.now(), error, outcome.cause ?? null);
        if (dead > 0) log(`queues: ${dead} message(s) of ${lease.queue} moved to ${q.dlq ?? '?'} (${error})`);
      }
    }
    wake();
  }

  /** The visibility timeout passed while the execution runs: stop it so the messages can be received again. */
  async function expire(leaseId: number): Promise<void> {
    const entry = active.get(leaseId);
    if (closed || !entry?.arn) return;
    try {
      await service.call('StopExecution', { executionArn: entry.arn, error: 'Queue.VisibilityTimeout', cause: 'The queue visibility timeout expired before the execution finished' });
    } catch (e) {
      log(`queues: stopping ${entry.arn}: ${(e as Error).message}`);
    }
  }

  /** Leases what each mapping may take now: up to its concurrency, full batches or batches whose window passed. */
  function poll(): void {
    for (const m of repo.mappings()) {
      if (m.enabled !== 1) continue;
      const q = repo.queue(m.queue);
      if (!q) continue;
      while (!closed && repo.leaseCount(m.uuid) < m.maximumConcurrency && ready(m)) {
        const now = ctx.clock.now();
        const lease = repo.lease(m, now, m.batchSize, now + q.visibilityTimeoutS * 1000, (id, messages) => ({
          name: leaseExecutionName(m.queue, id),
          input: sqsEvent(ctx.scope, m.queue, id, messages, md5),
        }));
        if (!lease) break;
        run(lease).catch((e: Error) => opts.log?.(`queue: lease ${lease.id}: ${e.message}`));
      }
    }
  }

  /** SQS batching window: a batch goes out when full, or once its oldest message has waited the window. */
  function ready(m: MappingRow): boolean {
    const now = ctx.clock.now();
    const next = repo.peek(m.queue, now, m.batchSize);
    if (next.oldestMs === null) return false;
    return next.n >= m.batchSize || now - next.oldestMs >= m.batchingWindowS * 1000;
  }

  function tick(): void {
    timer = undefined;
    if (closed) return;
    try {
      poll();
    } catch (e) {
      log(`queues: poll failed: ${(e as Error).message}`);
    }
    if (!closed) timer = ctx.clock.setTimer(ctx.clock.now() + pollMs, tick);
  }

  function wake(): void {
    if (closed) return;
    if (timer !== undefined) ctx.clock.clearTimer(timer);
    timer = ctx.clock.setTimer(ctx.clock.now(), tick);
  }

  /** Re-attaches the leases of a previous run (kill -9 included). */
  async function recover(lease: LeaseRow): Promise<void> {
    let arn = lease.executionArn;
    if (!arn && machineType(lease) === 'STANDARD') {
      try {
        await service.call('DescribeExecution', { executionArn: executionArnOf(lease) });
        arn = executionArnOf(lease);
        repo.setExecutionArn(lease.id, arn);
      } catch {
        arn = null; // never started
      }
    }
    if (!arn && lease.expiresMs <= ctx.clock.now()) {
      settle(lease, { status: 'FAILED', error: 'Queue.LeaseExpired', cause: 'The lease expired before its execution started' });
      return;
    }
    await run({ ...lease, executionArn: arn });
  }

  function machineType(lease: LeaseRow): string | undefined {
    try {
      return machineOf(ctx, lease.smArn).machine.type;
    } catch {
      return undefined;
    }
  }

  const unsubscribe = onQueueActivity(ctx, wake);
  for (const lease of repo.leases()) void recover(lease).catch((e: Error) => log(`queues: recovering lease ${lease.id}: ${e.message}`));
  wake();

  return {
    async close() {
      closed = true;
      unsubscribe();
      if (timer !== undefined) ctx.clock.clearTimer(timer);
      for (const entry of active.values()) ctx.clock.clearTimer(entry.expiry);
      active.clear();
    },
  };
}
