/**
 * The built-in, RIE-compatible function host (no Docker needed): public entry points. See docs/functions.md.
 */
import { startFunctionHost } from './function-host.js';
import type { FunctionHost, FunctionHostOptions, FunctionPool } from './types.js';

export { startFunctionHost, INVOKE_PATH } from './function-host.js';
export { scanFunctionsDir } from './scan-functions.js';
export { validateEnvironment, validateHostOptions, RESERVED_ENV_KEYS } from './lambda-environment.js';
export { renderOutcome, MAX_PAYLOAD_BYTES } from './rie-response.js';
export type { FunctionHost, FunctionHostOptions, FunctionPool, FunctionRuntime, FunctionSpec, InvokeOutcome } from './types.js';

/**
 * N independent hosts (execution environments) for one function: Lambda scales by adding environments, never
 * by overlapping calls in one (RIE issue #97). With `port` set, host i listens on port + i.
 */
export async function startFunctionPool(opts: FunctionHostOptions & { concurrency: number }): Promise<FunctionPool> {
  const { concurrency, ...rest } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const started = await Promise.allSettled(
    Array.from({ length: concurrency }, (_, i) => startFunctionHost({ ...rest, port: rest.port ? rest.port + i : 0 })),
  );
  const hosts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(hosts.map((h) => h.close()));
    throw failed.reason;
  }
  return {
    invokeUrls: hosts.map((h) => h.invokeUrl),
    close: async () => { await Promise.all(hosts.map((h) => h.close())); },
  };
}
