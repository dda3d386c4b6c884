/**
 * The service, transport-agnostic: opens the store, wires runner + engine + Lambda dispatcher, resumes every
 * RUNNING execution (recovery), and exposes the AWS operations as a table keyed by operation name.
 */
import { createLambdaDispatcher } from '../dispatch/lambda-dispatcher.js';
import type { TaskDispatcher } from '../dispatch/types.js';
import type { HistoryEvent } from '../engine/contract.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { EnginePort } from '../runtime/engine-port.js';
import type { ExecutionResult } from '../runtime/live-execution.js';
import { recoverRunning } from '../runtime/recovery.js';
import { Runner } from '../runtime/runner.js';
import { openStore, type Durability } from '../store/index.js';
import * as aliases from './aliases.js';
import { makeContext, programFor, revisionOf, type ServiceContext } from './context.js';
import { realEngine } from './definitions.js';
import * as queries from './execution-queries.js';
import * as executions from './executions.js';
import * as machines from './state-machines.js';
import * as tags from './tags.js';
import * as tokens from './task-tokens.js';
import * as versions from './versions.js';

export interface ServiceOptions {
  db: string;
  region?: string;
  account?: string;
  durability?: Durability;
  clock?: Clock;
  /** Replaces the engine (tests only). */
  engine?: EnginePort;
  /** Replaces the Lambda dispatcher. */
  dispatcher?: TaskDispatcher;
  random?: () => number;
  log?: (line: string) => void;
  /** Called after each commit with an execution's new history events (feeds the WebSocket stream). */
  onEvents?: (executionArn: string, events: HistoryEvent[]) => void;
}

type Operation = (ctx: ServiceContext, body: unknown) => unknown;

/** Every AWS Step Functions operation this service answers, by its X-Amz-Target name. */
export const OPERATIONS: Record<string, Operation> = {
  CreateStateMachine: machines.createStateMachine,
  DescribeStateMachine: machines.describeStateMachine,
  UpdateStateMachine: machines.updateStateMachine,
  DeleteStateMachine: machines.deleteStateMachine,
  ListStateMachines: machines.listStateMachines,
  ValidateStateMachineDefinition: machines.validateStateMachineDefinition,
  PublishStateMachineVersion: versions.publishStateMachineVersion,
  ListStateMachineVersions: versions.listStateMachineVersions,
  DeleteStateMachineVersion: versions.deleteStateMachineVersion,
  CreateStateMachineAlias: aliases.createStateMachineAlias,
  DescribeStateMachineAlias: aliases.describeStateMachineAlias,
  UpdateStateMachineAlias: aliases.updateStateMachineAlias,
  DeleteStateMachineAlias: aliases.deleteStateMachineAlias,
  ListStateMachineAliases: aliases.listStateMachineAliases,
  StartExecution: executions.startExecution,
  StartSyncExecution: executions.startSyncExecution,
  StopExecution: executions.stopExecution,
  RedriveExecution: executions.redriveExecution,
  DescribeExecution: queries.describeExecution,
  ListExecutions: queries.listExecutions,
  GetExecutionHistory: queries.getExecutionHistory,
  DescribeStateMachineForExecution: queries.describeStateMachineForExecution,
  SendTaskSuccess: tokens.sendTaskSuccess,
  SendTaskFailure: tokens.sendTaskFailure,
  SendTaskHeartbeat: tokens.sendTaskHeartbeat,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
};

export interface Service {
  readonly ctx: ServiceContext;
  /** Runs an AWS operation; rejects with ServiceError. */
  call(operation: string, body: unknown): Promise<unknown>;
  has(operation: string): boolean;
  /** Resolves with the result of an execution when it finishes (at once if it already has). */
  waitForExecution(executionArn: string): Promise<ExecutionResult>;
  close(): Promise<void>;
}

/** Opens the service over the database at `opts.db` and resumes its RUNNING executions. */
export function createService(opts: ServiceOptions): Service {
  const region = opts.region ?? 'us-east-1';
  const account = opts.account ?? '123456789012';
  const store = openStore(opts.db, opts.durability);
  const clock = opts.clock ?? systemClock();
  const engine = opts.engine ?? realEngine;
  const lambda = opts.dispatcher ? undefined : createLambdaDispatcher({ region, account, lookup: (name) => store.functions.get(name)?.endpoint });
  const dispatcher = opts.dispatcher ?? lambda!;
  const runner = new Runner({
    store, engine, dispatcher, clock,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.onEvents ? { onEvents: opts.onEvents } : {}),
  });
  const ctx = makeContext({ store, runner, engine, clock, scope: { region, account }, ...(opts.random ? { random: opts.random } : {}) });

  recoverRunning(store, runner, (row) => programFor(ctx, revisionOf(ctx, row.revisionId)), opts.log);

  return {
    ctx,
    has: (operation) => Object.hasOwn(OPERATIONS, operation),
    async call(operation, body) {
      const op = OPERATIONS[operation]!;
      return op(ctx, body);
    },
    waitForExecution(arn) {
      return runner.waitFor(arn) ?? Promise.resolve().then(() => executions.resultOfRow(ctx, arn));
    },
    async close() {
      runner.close();
      lambda?.close();
      store.close();
    },
  };
}
