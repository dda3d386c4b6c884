/**
 * The package's library API: an embedded service with the same semantics and persistence as the server.
 *
 *   const svc = await openService({ db: ':memory:' });
 *   const { stateMachineArn } = await svc.createStateMachine({ name: 'hello', definition });
 *   const { executionArn, done } = await svc.startExecution({ stateMachineArn, input: { a: 1 } });
 *   console.log(await done); // { status: 'SUCCEEDED', output: '...' }
 *   await svc.close();
 */
import { createService, type Service } from './service/service.js';
import { start } from './service/executions.js';
import type { ExecutionResult } from './runtime/live-execution.js';
import type { Json } from './util/json.js';

export { startServer, type ServerOptions, type RunningServer } from './main.js';
export { ServiceError } from './service/errors.js';
export type { ExecutionResult } from './runtime/live-execution.js';

export interface OpenServiceOptions {
  /** ':memory:' or a file path (its directory is created). */
  db: string;
  region?: string;
  account?: string;
  durability?: 'normal' | 'full';
}

export interface EmbeddedService {
  createStateMachine(req: { name: string; definition: string | object; type?: 'STANDARD' | 'EXPRESS'; roleArn?: string }): Promise<{ stateMachineArn: string }>;
  startExecution(req: { stateMachineArn: string; input?: Json | string; name?: string }): Promise<{ executionArn: string; done: Promise<ExecutionResult> }>;
  /** Any AWS Step Functions operation by name, with its JSON request (timestamps in epoch ms). */
  call(operation: string, request: unknown): Promise<unknown>;
  /** Result of an execution (waits while it runs; also for executions resumed after a restart). */
  waitForExecution(executionArn: string): Promise<ExecutionResult>;
  close(): Promise<void>;
}

/**
 * What startExecution returns: the execution's ARN and `done`, a getter (a persisted execution's result promise
 * is made when first asked for). A class, not an object literal with its own getter (see runtime/runner.ts
 * StartHandle); the service's handle is a private field, so logging or serialising the object shows the ARN only.
 */
class EmbeddedExecution {
  readonly #started: { readonly done: Promise<ExecutionResult> };

  constructor(readonly executionArn: string, started: { readonly done: Promise<ExecutionResult> }) {
    this.#started = started;
  }

  get done(): Promise<ExecutionResult> {
    return this.#started.done;
  }
}

/** Opens the service; RUNNING executions found in the database are resumed. */
export async function openService(opts: OpenServiceOptions): Promise<EmbeddedService> {
  const svc: Service = createService(opts);
  return {
    async createStateMachine(r) {
      const res = (await svc.call('CreateStateMachine', {
        name: r.name,
        definition: typeof r.definition === 'string' ? r.definition : JSON.stringify(r.definition),
        type: r.type ?? 'STANDARD',
        roleArn: r.roleArn ?? `arn:aws:iam::${svc.ctx.scope.account}:role/asl-service`,
      })) as { stateMachineArn: string };
      return { stateMachineArn: res.stateMachineArn };
    },
    async startExecution(r) {
      const input = r.input === undefined ? undefined : typeof r.input === 'string' ? r.input : JSON.stringify(r.input);
      const s = await start(svc.ctx, { stateMachineArn: r.stateMachineArn, ...(input !== undefined ? { input } : {}), ...(r.name ? { name: r.name } : {}) }, false);
      return new EmbeddedExecution(s.executionArn, s);
    },
    call: (operation, request) => svc.call(operation, request),
    waitForExecution: (arn) => svc.waitForExecution(arn),
    close: () => svc.close(),
  };
}
