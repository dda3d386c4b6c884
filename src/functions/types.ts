/**
 * Shapes of the built-in function host: one host = one Lambda execution environment behind the classic RIE
 * invoke contract (`POST /2015-03-31/functions/function/invocations`). See docs/functions.md.
 */

/** The runtimes the host can start without Docker: our own bootstraps in runtimes/node and runtimes/python. */
export type FunctionRuntime = 'nodejs' | 'python';

/** A function as found on disk (scanFunctionsDir) or registered: everything needed to start a host for it. */
export interface FunctionSpec {
  functionName: string;
  /** Absolute path of the code folder; it becomes LAMBDA_TASK_ROOT and the working directory. */
  dir: string;
  runtime: FunctionRuntime;
  /** `file.export` (Node, may carry a sub-path like `src/app.handler`) or `module.function` (Python). */
  handler: string;
  /** Lambda's function timeout: integer seconds, 1..900, default 3. */
  timeoutSeconds?: number;
  /** Lambda's MemorySize in MB, 128..10240, default 128 (only approximately enforced, see docs). */
  memorySize?: number;
  environment?: Record<string, string>;
}

export interface FunctionHostOptions extends FunctionSpec {
  region?: string;
  account?: string;
  /** Reported as AWS_LAMBDA_FUNCTION_VERSION and in `Version:` of the START line; default `$LATEST`. */
  version?: string;
  /** Receives the runtime's stdout/stderr lines and the START/END/REPORT lines, one line per call. */
  log?: (line: string) => void;
  /** Interface of the invoke front (default 127.0.0.1). The Runtime API always stays on loopback. */
  host?: string;
  /** Port of the invoke front (default 0 = ephemeral). */
  port?: number;
  /** Interpreter for Python functions (default `python3`). */
  python?: string;
  /**
   * Custom runtime: spawn this command instead of our bootstrap (the `provided` runtime contract: any program
   * that polls the Runtime API at $AWS_LAMBDA_RUNTIME_API, e.g. AWS's own `aws-lambda-ric`). No memory flags.
   */
  command?: string[];
}

/** A running host. `invokeUrl` is what a dispatcher POSTs to, exactly as to `docker run -p 9000:8080 <image>`. */
export interface FunctionHost {
  invokeUrl: string;
  close(): Promise<void>;
}

export interface FunctionPool {
  invokeUrls: string[];
  close(): Promise<void>;
}

/** How a runtime process ended, in the words Go's os/exec uses (rapid quotes them in Runtime.ExitError). */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What one invocation came to, before it is rendered the classic-RIE way (rie-response.ts). */
export type InvokeOutcome =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer }
  | { kind: 'response-too-large'; size: number }
  | { kind: 'init-error'; body: Buffer }
  | { kind: 'exit'; status: ExitStatus; outOfMemory: boolean }
  | { kind: 'timeout'; timeoutSeconds: number };
