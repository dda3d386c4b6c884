/**
 * Which Lambda function a Task calls, and with what payload. AWS accepts three spellings:
 * the legacy `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, a plain `NAME`, and the optimized
 * `arn:aws:states:::lambda:invoke` whose `FunctionName` parameter is a name, a partial ARN or a full ARN.
 */
import { isJsonObject, type Json } from '../util/json.js';

export type LambdaStyle = 'legacy' | 'invoke';

export interface LambdaTarget {
  style: LambdaStyle;
  name: string;
  qualifier?: string;
  payload: Json;
  /** `.waitForTaskToken`: the task completes through SendTaskSuccess/Failure, not the call's result. */
  callback: boolean;
  /** `LogType: "Tail"`: the result carries `LogResult` (base64 of the invocation's log tail). */
  logTail?: boolean;
}

// Lambda's FunctionName pattern (API_Invoke): optional `arn:aws:lambda:`, region, account, `function:`, name,
// optional `:qualifier`.
const FUNCTION_NAME =
  /^(?:arn:aws[a-zA-Z-]*:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const LEGACY = /^arn:aws[a-zA-Z-]*:lambda:[^:]*:[^:]*:function:([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const INVOKE = /^arn:aws[a-zA-Z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const PLAIN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Parses a function name as Lambda's Invoke accepts it. */
export function parseFunctionName(text: string): { name: string; qualifier?: string } | undefined {
  const m = FUNCTION_NAME.exec(text);
  if (!m) return undefined;
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, qualifier: m[2] };
}

/** The Lambda target of a Task, or undefined when the resource is not Lambda. */
export function lambdaTarget(resource: string, payload: Json): LambdaTarget | { invalid: string } | undefined {
  const legacy = LEGACY.exec(resource);
  if (legacy) return { style: 'legacy', name: legacy[1]!, ...(legacy[2] ? { qualifier: legacy[2] } : {}), payload, callback: false };
  if (PLAIN.test(resource)) return { style: 'legacy', name: resource, payload, callback: false };
  const invoke = INVOKE.exec(resource);
  if (!invoke) return undefined;
  const params = isJsonObject(payload) ? payload : {};
  const fn = params['FunctionName'];
  const parsed = typeof fn === 'string' ? parseFunctionName(fn) : undefined;
  if (!parsed) return { invalid: typeof fn === 'string' ? fn : JSON.stringify(fn ?? null) };
  const qualifier = typeof params['Qualifier'] === 'string' ? params['Qualifier'] : parsed.qualifier;
  // A missing or null Payload reaches the function as `{}` (AWS-recorded: an echo function returned {}).
  const body = params['Payload'] === undefined || params['Payload'] === null ? {} : params['Payload'];
  return {
    style: 'invoke', name: parsed.name, ...(qualifier ? { qualifier } : {}), payload: body, callback: !!invoke[1],
    ...(params['LogType'] === 'Tail' ? { logTail: true } : {}),
  };
}
