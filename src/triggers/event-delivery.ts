/**
 * Delivers bus events to rule targets after they are committed: each pending event is matched against every
 * ENABLED rule and each matching target gets one StartExecution (fan-out), then the event is marked delivered.
 * Target executions are named from (event id, rule, target), so redelivering an event after a crash cannot start
 * a Standard target twice (AWS name idempotency: same name + input while RUNNING → same execution, finished →
 * ExecutionAlreadyExists, which means "already delivered").
 *
 * Execution status changes are events too: `source: "aws.states"`, `detail-type: "Step Functions Execution
 * Status Change"`, detail `{executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, …}`
 * as AWS emits them for Standard workflows (Express workflows emit none). They are stored only when some enabled
 * rule matches, so an idle bus costs nothing per execution.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../engine/contract.js';
import type { ServiceContext } from '../service/context.js';
import { ServiceError } from '../service/errors.js';
import { eventsOf, type BusEventRow, type EventRuleRow } from '../service/event-rules.js';
import type { Service } from '../service/service.js';
import type { JsonObject } from '../util/json.js';
import { matchPattern } from './event-patterns.js';
import { eventTime, ruleArn } from './event-rules.js';
import { targetInput, type RuleTarget } from './event-transformer.js';

/**
 * A target that could not be started for a reason that may pass (the store failed, throttling) is retried with
 * back-off, as EventBridge retries a delivery for up to 24 hours; a target refused for good (it does not exist, the
 * input is invalid) is recorded as the event's error at once.
 */
const RETRY_WINDOW_MS = 24 * 3_600_000;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 5 * 60_000;

function retryable(e: unknown): boolean {
  if (!(e instanceof ServiceError)) return true;
  return e.status >= 500 || e.code === 'ThrottlingException' || e.code === 'ExecutionLimitExceeded';
}

/** History event type → the status AWS reports in "Step Functions Execution Status Change". */
const STATUS_OF: Record<string, string> = {
  ExecutionStarted: 'RUNNING',
  ExecutionRedriven: 'RUNNING',
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** Deterministic, ≤ 80 characters, valid as an execution name. */
export function deliveryName(eventId: string, rule: string, target: string): string {
  const hash = createHash('sha256').update(`${eventId}\n${rule}\n${target}`).digest('hex').slice(0, 32);
  return `${rule.slice(0, 40)}-${hash}`;
}

export interface EventDelivery {
  /** Delivers pending events soon (after the current turn). */
  wake(): void;
  /**
   * Turns execution status changes into bus events. Registered as a runner commit hook: it runs inside the commit
   * of the step that changed the status, so the bus event is stored if and only if the change is.
   */
  onEvents(executionArn: string, events: readonly HistoryEvent[]): void;
  /** Resolves when nothing is pending or being delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts delivery; anything left undelivered by a previous run is delivered at once. */
export function startEventDelivery(svc: Service, log?: (line: string) => void): EventDelivery {
  const ctx: ServiceContext = svc.ctx;
  const repo = eventsOf(ctx);
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  /** Events whose last attempt failed retryably: bus seq → attempts so far and when the next one is due. */
  const retries = new Map<number, { attempts: number; at: number }>();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const enabledRules = () => repo.rules().filter((r) => r.state === 'ENABLED');

  async function deliver(row: BusEventRow, rules: EventRuleRow[]): Promise<{ error: string | null; retry: boolean }> {
    const event = JSON.parse(row.event) as JsonObject;
    const errors: string[] = [];
    let retry = false;
    for (const rule of rules) {
      if (!matchPattern(JSON.parse(rule.pattern) as Record<string, unknown>, event)) continue;
      for (const target of JSON.parse(rule.targets) as RuleTarget[]) {
        const name = deliveryName(row.eventId, rule.name, target.id);
        try {
          const input = targetInput(target, event, { ruleName: rule.name, ruleArn: ruleArn(ctx, rule.name), ingestionTime: eventTime(row.createdMs) });
          const s = (await svc.call('StartExecution', { stateMachineArn: target.arn, name, input })) as { executionArn: string };
          log?.(`event ${row.eventId}: rule ${rule.name} target ${target.id} -> ${s.executionArn}`);
        } catch (e) {
          if (e instanceof ServiceError && e.code === 'ExecutionAlreadyExists') continue; // delivered before a restart
          // Targets already started are started again under the same name on a retry: a no-op for them.
          if (retryable(e)) retry = true;
          errors.push(`${rule.name}/${target.id}: ${(e as Error).message}`);
          log?.(`event ${row.eventId}: rule ${rule.name} target ${target.id} failed: ${(e as Error).message}`);
        }
      }
    }
    return { error: errors.length > 0 ? errors.join('; ') : null, retry };
  }

  async function pump(): Promise<void> {
    do {
      again = false;
      let after = 0;
      for (let batch = repo.pending(after); batch.length > 0 && !closed; batch = repo.pending(after)) {
        const rules = enabledRules();
        for (const row of batch) {
          if (closed) return;
          after = row.seq;
          const wait = retries.get(row.seq);
          if (wait && wait.at > ctx.clock.now()) continue;
          const { error, retry } = await deliver(row, rules);
          if (closed) return;
          const now = ctx.clock.now();
          if (retry && now - row.createdMs < RETRY_WINDOW_MS) {
            const attempts = (wait?.attempts ?? 0) + 1;
            retries.set(row.seq, { attempts, at: now + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempts - 1)) });
            log?.(`event ${row.eventId}: attempt ${attempts} failed, will retry: ${error ?? ''}`);
          } else {
            retries.delete(row.seq);
            repo.markDelivered(row.seq, now, error);
          }
        }
      }
    } while (again && !closed);
    armRetry();
  }

  /** Wakes delivery when the earliest retry is due (retries are in memory: a restart retries at once). */
  function armRetry(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    if (retries.size === 0 || closed) return;
    let at = Infinity;
    for (const r of retries.values()) at = Math.min(at, r.at);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      wake();
    }, Math.max(0, at - ctx.clock.now()));
    retryTimer.unref();
  }

  function wake(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = new Promise<void>((resolve) => setImmediate(resolve)).then(pump).catch((e: unknown) => {
      log?.(`event delivery: ${(e as Error).message}`);
    }).finally(() => {
      running = undefined;
      if (again) wake();
    });
  }

  function onEvents(executionArn: string, events: readonly HistoryEvent[]): void {
    const changes = events.filter((e) => STATUS_OF[e.type] !== undefined);
    if (changes.length === 0 || closed) return;
    const rules = enabledRules();
    if (rules.length === 0) return;
    const row = ctx.store.executions.get(executionArn);
    if (!row) return;
    const out: { eventId: string; event: string }[] = [];
    for (const h of changes) {
      const status = STATUS_OF[h.type]!;
      const done = status !== 'RUNNING';
      const event: JsonObject = {
        version: '0', id: randomUUID(), 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states',
        account: ctx.scope.account, time: eventTime(h.timestamp), region: ctx.scope.region, resources: [executionArn],
        detail: {
          executionArn, stateMachineArn: row.smArn, name: row.name, status, startDate: row.startMs, stopDate: done ? row.stopMs ?? h.timestamp : null,
          input: row.input, output: status === 'SUCCEEDED' ? row.output : null, inputDetails: { included: true },
          outputDetails: status === 'SUCCEEDED' ? { included: true } : null,
          error: done && status !== 'SUCCEEDED' ? row.error : null, cause: done && status !== 'SUCCEEDED' ? row.cause : null,
          stateMachineVersionArn: row.versionArn, stateMachineAliasArn: row.aliasArn, redriveCount: row.redriveCount,
        },
      };
      if (rules.some((r) => matchPattern(JSON.parse(r.pattern) as Record<string, unknown>, event))) {
        out.push({ eventId: event['id'] as string, event: JSON.stringify(event) });
      }
    }
    if (out.length === 0) return;
    repo.addEvents(out, ctx.clock.now());
    wake(); // delivery runs on a later turn, after this commit (or finds nothing if it rolled back)
  }

  wake();
  return {
    wake,
    onEvents,
    async idle() {
      while (running) await running;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await running;
    },
  };
}
