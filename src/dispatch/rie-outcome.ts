/**
 * Maps what a Lambda RIE endpoint answered to the Task outcome Step Functions would record
 * (reference/lambda-rie.md §1.13 and §2.5). Stock RIE always answers 200 and never sets X-Amz-Function-Error,
 * so a function error is recognised by the body's shape, as SAM CLI does.
 */
import { isJsonObject, utf8Length, type Json } from '../util/json.js';
import type { LambdaStyle } from './lambda-target.js';
import type { TaskOutcome } from './types.js';

export interface RieResponse {
  status: number;
  body: string;
  /** The `Error-Type` (LMI) or `X-Amz-Function-Error` header, when present. */
  functionError?: string;
}

const ERROR_KEYS = new Set(['errorType', 'errorMessage', 'trace', 'stackTrace', 'requestId', 'cause']);
const TIMED_OUT = /^Task timed out after (\d+\.\d\d) seconds$/;
/** AWS's per-state payload limit (256 KiB of UTF-8). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

function parse(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function looksLikeError(v: Json | undefined): v is { errorType: string; [k: string]: Json } {
  return isJsonObject(v) && typeof v['errorType'] === 'string' && Object.keys(v).every((k) => ERROR_KEYS.has(k));
}

/** The Step Functions error for a function error body (§2.3): errorType, cause = the payload text. */
function functionError(style: LambdaStyle, text: string, parsed: Json | undefined): TaskOutcome {
  if (isJsonObject(parsed) && typeof parsed['errorType'] === 'string') {
    // The legacy resource passes the runtime's bytes through; lambda:invoke re-serialises compactly.
    return { ok: false, error: parsed['errorType'], cause: style === 'legacy' ? text : JSON.stringify(parsed) };
  }
  return {
    ok: false,
    error: 'Lambda.Unknown',
    cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${text}`,
  };
}

/** Lambda API-style cause text: `<msg> (Service: AWSLambda; Status Code: N; Error Code: X; Request ID: …; Proxy: null)`. */
export function lambdaApiCause(message: string, status: number, code: string, requestId: string): string {
  return `${message} (Service: AWSLambda; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

/** Classifies one RIE answer (classification order of §1.13). */
export function rieOutcome(style: LambdaStyle, res: RieResponse, requestId: string): { outcome: TaskOutcome; payload?: Json; jsonText?: string } {
  const parsed = parse(res.body);
  if (res.functionError !== undefined) return { outcome: functionError(style, res.body, parsed) };
  if (res.status === 502) return { outcome: functionError(style, res.body, parsed) };
  const timedOut = res.status === 200 ? TIMED_OUT.exec(res.body.trim()) : null;
  if (timedOut) {
    const body = { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timedOut[1]} seconds` };
    return { outcome: { ok: false, error: 'Sandbox.Timedout', cause: JSON.stringify(body) } };
  }
  if (res.status >= 200 && res.status < 300) {
    if (looksLikeError(parsed)) return { outcome: functionError(style, res.body, parsed) };
    const payload: Json = parsed === undefined ? res.body : parsed;
    return { outcome: { ok: true, output: payload }, payload, ...(parsed === undefined ? {} : { jsonText: res.body }) };
  }
  const message = res.body.trim() || `HTTP ${res.status}`;
  return {
    outcome: { ok: false, error: 'Lambda.ServiceException', cause: lambdaApiCause(message, 500, 'ServiceException', requestId) },
  };
}

/** True when a result exceeds the 256 KiB state payload limit. */
export function tooLarge(text: string): boolean {
  return text.length > MAX_PAYLOAD_BYTES / 4 && utf8Length(text) > MAX_PAYLOAD_BYTES;
}
