/** A minimal AWS Step Functions JSON client for CLI commands that talk to a running `asl serve`. */

/** An AWS API error answer (`__type` + `message`), as the SDK would surface it. */
export class AwsError extends Error {
  constructor(readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

/** Calls one operation on `endpoint` (POST / with X-Amz-Target) and returns the parsed answer. */
export async function awsCall<T = Record<string, unknown>>(endpoint: string, operation: string, body: object): Promise<T> {
  const res = await fetch(new URL('/', endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (res.status !== 200) throw new AwsError(String(json['__type'] ?? res.status), String(json['message'] ?? text));
  return json as T;
}
