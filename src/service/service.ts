/**
 * The service, transport-agnostic: opens the store, wires runner + engine + Lambda dispatcher, resumes every
 * RUNNING execution (recovery), and exposes the AWS operations as a table keyed by operation name.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLambdaDispatcher } from '../dispatch/lambda-dispatcher.js';
import { routeDispatcher } from '../dispatch/route-dispatcher.js';
import type { TaskDispatcher } from '../dispatch/types.js';
import type { HistoryEvent } from '../engine/contract.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { EnginePort } from '../runtime/engine-port.js';
import type { ExecutionResult } from '../runtime/live-execution.js';
import { recoverRunning } from '../runtime/recovery.js';
import { Runner } from '../runtime/runner.js';
import { activityRepo } from '../store/activities.js';
import { openStore, type Durability } from '../store/index.js';
import * as activities from './activities.js';
import { ActivityQueue } from './activity-tasks.js';
import * as aliases from './aliases.js';
import { makeContext, programFor, revisionOf, type ServiceContext } from './context.js';
import { realEngine } from './definitions.js';
import * as queries from './execution-queries.js';
import * as executions from './executions.js';
import { FunctionPools, type FunctionRuntime } from './function-pools.js';
import { attachFunctions, collectSnapshots, functionLookup } from './functions.js';
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
  /** Replaces the Lambda dispatcher (activity tasks still go to the activity queue). */
  dispatcher?: TaskDispatcher;
  /** The built-in function host (main.ts: `startFunctionPool`); without it only RIE endpoints can be registered. */
  functionRuntime?: FunctionRuntime;
  /** Where published versions of path-based functions keep their code (default: `function-versions` beside the db). */
  functionCodeDir?: string;
  /** How long GetActivityTask holds a poll open when no task is waiting (seconds, default 55). */
  activityPollSeconds?: number;
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
  CreateActivity: activities.createActivity,
  DescribeActivity: activities.describeActivity,
  ListActivities: activities.listActivities,
  DeleteActivity: activities.deleteActivity,
  GetActivityTask: activities.getActivityTask,
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
  // The context is built after the runner (which needs the dispatcher): the lookup binds to it at call time.
  const lambda = opts.dispatcher ? undefined : createLambdaDispatcher({ region, account, lookup: (name, q) => functionLookup(context)(name, q) });
  const acts = activityRepo(store.db);
  const queue = new ActivityQueue({
    repo: acts, clock, runner: () => runner,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const dispatcher = routeDispatcher({ activity: queue, lambda: opts.dispatcher ?? lambda! });
  const runner: Runner = new Runner({
    store, engine, dispatcher, clock,
    programOf: (row) => programFor(context, revisionOf(context, row.revisionId)),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.onEvents ? { onEvents: opts.onEvents } : {}),
  });
  const context = makeContext({ store, runner, engine, clock, scope: { region, account }, ...(opts.random ? { random: opts.random } : {}) });
  const pools = new FunctionPools(opts.functionRuntime, opts.log, (name) => {
    try {
      collectSnapshots(context, name);
    } catch (e) {
      opts.log?.(`functions: collecting code snapshots of ${name}: ${(e as Error).message}`);
    }
  });
  // An in-memory database gets a throw-away folder (created only when a code folder is registered).
  const scratch = opts.functionCodeDir === undefined && (opts.db === ':memory:' || opts.db.startsWith('file:'));
  const codeDir = opts.functionCodeDir ?? (scratch ? join(tmpdir(), `asl-function-versions-${randomUUID()}`) : join(dirname(opts.db), 'function-versions'));
  attachFunctions(context, { pools, codeDir });
  activities.attachActivities(context, { repo: acts, queue, pollSeconds: opts.activityPollSeconds ?? 55 });

  recoverRunning(store, runner, (row) => programFor(context, revisionOf(context, row.revisionId)), opts.log);

  return {
    ctx: context,
    has: (operation) => Object.hasOwn(OPERATIONS, operation),
    async call(operation, body) {
      const op = OPERATIONS[operation]!;
      return op(context, body);
    },
    waitForExecution(arn) {
      return runner.waitFor(arn) ?? Promise.resolve().then(() => executions.resultOfRow(context, arn));
    },
    async close() {
      queue.close();
      runner.close();
      lambda?.close();
      await pools.close();
      store.close();
      if (scratch) rmSync(codeDir, { recursive: true, force: true });
    },
  };
}
