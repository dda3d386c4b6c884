/**
 * The WebSocket protocol on `/api/ws` (docs/websocket.md): what clients send, what the server answers.
 * Events travel exactly as GetExecutionHistory renders them (timestamps in epoch seconds); status messages
 * mirror the detail of AWS's "Step Functions Execution Status Change" EventBridge event (dates in epoch ms).
 */
import { isJsonObject, type Json } from '../util/json.js';

/** Which stream a subscription or unsubscription names. */
export type Target =
  | { kind: 'execution'; executionArn: string }
  | { kind: 'stateMachine'; stateMachineArn: string }
  | { kind: 'all' };

export type ClientMessage =
  | { action: 'subscribe'; target: Target; sinceEventId: number }
  | { action: 'unsubscribe'; target: Target };

/** A status change of one execution (EventBridge "Step Functions Execution Status Change" detail). */
export interface StatusMessage {
  type: 'status';
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

export type ServerMessage =
  | ({ type: 'subscribed' | 'unsubscribed' } & TargetFields)
  | { type: 'events'; executionArn: string; events: Json[] }
  | StatusMessage
  | { type: 'closed'; executionArn: string; status: string }
  | { type: 'overflow'; executionArn?: string; lastEventId?: number }
  | { type: 'error'; message: string; executionArn?: string };

type TargetFields = { executionArn?: string; stateMachineArn?: string; all?: true };

/** The message fields that name a target (echoed in acknowledgements). */
export function targetFields(t: Target): TargetFields {
  switch (t.kind) {
    case 'execution': return { executionArn: t.executionArn };
    case 'stateMachine': return { stateMachineArn: t.stateMachineArn };
    case 'all': return { all: true };
  }
}

/** A stable key for a target, so one connection holds at most one subscription per target. */
export function targetKey(t: Target): string {
  switch (t.kind) {
    case 'execution': return `e:${t.executionArn}`;
    case 'stateMachine': return `m:${t.stateMachineArn}`;
    case 'all': return 'all';
  }
}

const MAX_ARN = 2048;

function arnField(o: Record<string, Json>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ARN) throw new Error(`'${key}' must be a non-empty string`);
  return v;
}

function parseTarget(o: Record<string, Json>): Target {
  const executionArn = arnField(o, 'executionArn');
  const stateMachineArn = arnField(o, 'stateMachineArn');
  const all = o['all'];
  if (all !== undefined && all !== true) throw new Error(`'all' must be true when present`);
  const named = Number(executionArn !== undefined) + Number(stateMachineArn !== undefined) + Number(all === true);
  if (named !== 1) throw new Error(`name exactly one of 'executionArn', 'stateMachineArn' or 'all'`);
  if (executionArn !== undefined) return { kind: 'execution', executionArn };
  if (stateMachineArn !== undefined) return { kind: 'stateMachine', stateMachineArn };
  return { kind: 'all' };
}

/** Parses one text frame; throws an Error whose message is sent back as `{"type":"error"}`. */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('message is not valid JSON');
  }
  if (!isJsonObject(value)) throw new Error('message must be a JSON object');
  const o = value as Record<string, Json>;
  const action = o['action'];
  if (action !== 'subscribe' && action !== 'unsubscribe') throw new Error(`'action' must be 'subscribe' or 'unsubscribe'`);
  const target = parseTarget(o);
  if (action === 'unsubscribe') return { action, target };
  const since = o['sinceEventId'] ?? 0;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    throw new Error(`'sinceEventId' must be a non-negative integer`);
  }
  if (since !== 0 && target.kind !== 'execution') throw new Error(`'sinceEventId' applies to executionArn subscriptions only`);
  return { action, target, sinceEventId: since };
}

/** History event types that close an execution, with the status they close it in. */
export const TERMINAL_EVENTS: Readonly<Record<string, string>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};
