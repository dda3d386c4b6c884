/**
 * Execution status changes derived from committed history, shaped like the detail of AWS's "Step Functions
 * Execution Status Change" EventBridge event: emitted when an execution starts (RUNNING) and when it closes
 * (SUCCEEDED / FAILED / TIMED_OUT / ABORTED). Dates are epoch milliseconds, as EventBridge sends them.
 */
import type { HistoryEvent } from '../engine/contract.js';
import type { Store } from '../store/index.js';
import { isJsonObject } from '../util/json.js';
import { TERMINAL_EVENTS, type StatusMessage } from './protocol.js';

const EXEC = /^(arn:[^:]+:states:[^:]+:[^:]+):(?:execution|express):([^:]+):([^:]+)/;

/** The state machine ARN and execution name encoded in an execution ARN (Express executions have no row). */
function fromArn(executionArn: string): { stateMachineArn: string; name: string } {
  const m = EXEC.exec(executionArn);
  return m ? { stateMachineArn: `${m[1]}:stateMachine:${m[2]}`, name: m[3]! } : { stateMachineArn: '', name: '' };
}

function detailsOf(e: HistoryEvent): Record<string, unknown> {
  const key = Object.keys(e).find((k) => k.endsWith('EventDetails'));
  const d = key === undefined ? undefined : e[key];
  return isJsonObject(d) ? d : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The status changes a batch of new events carries (usually none: only start and close events change it). */
export function statusChanges(store: Store, executionArn: string, events: readonly HistoryEvent[]): StatusMessage[] {
  const out: StatusMessage[] = [];
  let row: ReturnType<Store['executions']['get']> | null = null;
  for (const e of events) {
    const closedAs = TERMINAL_EVENTS[e.type];
    if (e.type !== 'ExecutionStarted' && closedAs === undefined) continue;
    // The batch is published after commit, so the row (Standard executions) already shows the new status.
    row ??= store.executions.get(executionArn) ?? undefined;
    const ids = row ? { stateMachineArn: row.smArn, name: row.name } : fromArn(executionArn);
    const d = detailsOf(e);
    const startDate = row?.startMs ?? e.timestamp;
    const input = row?.input ?? str(d['input']);
    const msg: StatusMessage = {
      type: 'status', executionArn, ...ids, status: closedAs ?? 'RUNNING', startDate,
      ...(input !== undefined ? { input } : {}),
    };
    if (closedAs !== undefined) {
      msg.stopDate = e.timestamp;
      const output = str(d['output']);
      const error = str(d['error']);
      const cause = str(d['cause']);
      if (output !== undefined) msg.output = output;
      if (error !== undefined) msg.error = error;
      if (cause !== undefined) msg.cause = cause;
    }
    out.push(msg);
  }
  return out;
}

/** Whether a status change belongs to a `stateMachineArn` subscription (a version or alias ARN matches its runs). */
export function matchesMachine(store: Store, msg: StatusMessage, stateMachineArn: string): boolean {
  if (msg.stateMachineArn === stateMachineArn) return true;
  const row = store.executions.get(msg.executionArn);
  return row !== undefined && (row.versionArn === stateMachineArn || row.aliasArn === stateMachineArn);
}
