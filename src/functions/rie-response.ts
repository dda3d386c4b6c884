/**
 * Renders an invocation outcome exactly as the classic AWS Lambda Runtime Interface Emulator answers
 * (internal/lambda/rie/handlers.go): 200 for success, handler errors and timeouts, 502 for crashes and init
 * failures, never an `X-Amz-Function-Error` header (RIE issue #20). Pure: no I/O.
 */
import type { ExitStatus, InvokeOutcome } from './types.js';

/** rapid's payload cap for requests and responses: 6 MiB + 100 bytes (rapi/rendering, interop/model.go). */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 + 100;

export interface RieHttpResponse {
  status: number;
  /** undefined = no Content-Type header, as Go sends for an empty body. */
  contentType: string | undefined;
  body: Buffer;
}

// Go's signal names (syscall.Signal.String) as they appear in "Runtime exited with error: signal: killed".
const GO_SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGQUIT: 'quit',
  SIGPIPE: 'broken pipe',
  SIGTRAP: 'trace/breakpoint trap',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
};

/** `exit status 3` or `signal: killed`, the text of Go's os.ProcessState. */
export function describeExit(status: ExitStatus): string {
  if (status.signal) return `signal: ${GO_SIGNAL_NAMES[status.signal] ?? status.signal}`;
  return `exit status ${status.code ?? 0}`;
}

/**
 * Go's http server sniffs the type of an untyped body (RIE's ResponseWriterProxy drops every header rapid set),
 * so JSON comes back as `text/plain; charset=utf-8`. We approximate DetectContentType: text vs binary.
 */
export function sniffContentType(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const head = body.subarray(0, 512);
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return 'application/octet-stream';
  }
  return 'text/plain; charset=utf-8';
}

function json(value: { errorType: string; errorMessage: string }): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function withBody(status: number, body: Buffer): RieHttpResponse {
  return { status, contentType: sniffContentType(body), body };
}

/** The HTTP answer of classic RIE for one outcome of invocation `requestId`. */
export function renderOutcome(outcome: InvokeOutcome, requestId: string): RieHttpResponse {
  switch (outcome.kind) {
    case 'response':
      return withBody(200, outcome.body);
    case 'error':
      // rapidcore SendErrorResponse writes the runtime's error JSON and never calls WriteHeader → 200.
      return withBody(200, outcome.body);
    case 'response-too-large':
      return withBody(200, json({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${outcome.size} bytes) exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
      }));
    case 'init-error':
      // ErrInitDoneFailed → 502 with the cached init-error body.
      return withBody(502, outcome.body);
    case 'exit':
      // ErrInvokeDoneFailed → 502 with interop.GetErrorResponseWithFormattedErrorMessage.
      return withBody(502, json({
        errorType: outcome.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
        errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${describeExit(outcome.status)}`,
      }));
    case 'timeout':
      // ErrInvokeTimeout → 200 and plain text; the integer timeout is printed with ".00" (RIE issue #21).
      return withBody(200, Buffer.from(`Task timed out after ${outcome.timeoutSeconds}.00 seconds`));
    default:
      return assertNever(outcome);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected outcome ${JSON.stringify(x)}`);
}

/** `REPORT RequestId: …` exactly as RIE's printEndReports formats it (tab-separated, trailing tab). */
export function reportLine(r: {
  requestId: string;
  initDurationMs: number | undefined;
  durationMs: number;
  memorySize: number;
  maxMemoryUsedMb: number;
}): string {
  const init = r.initDurationMs === undefined ? '' : `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  return (
    `REPORT RequestId: ${r.requestId}\t${init}Duration: ${r.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${Math.ceil(r.durationMs)} ms\tMemory Size: ${r.memorySize} MB\t` +
    `Max Memory Used: ${r.maxMemoryUsedMb} MB\t`
  );
}
