/**
 * Task `Resource` rules. AWS accepts Lambda function ARNs, activity ARNs, the optimized integrations
 * `arn:<partition>:states:::<service>:<action>[.sync|.waitForTaskToken]` it documents, and the AWS SDK
 * integrations `arn:<partition>:states:::aws-sdk:<service>:<action>`; anything else under `arn:` is refused
 * with the recorded message `The resource provided arn:aws:states:::dynamodb:query is not recognized. …`
 * (DynamoDB query exists only as `aws-sdk:dynamodb:query`). A plain name (no `arn:`) is this service's
 * extension: it names a registered function. EXPRESS machines refuse `.sync`, `.waitForTaskToken` and
 * activities (recorded wording, including AWS's trailing space after the `.waitForTaskToken` message).
 */
import { isJsonObject } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { loc, schemaError } from './diagnostics.js';
import { field, type Walk } from './validate-walk.js';

/** Patterns per action: R = request/response, S = `.sync`, W = `.waitForTaskToken` (AWS "Integrating services"). */
const OPTIMIZED: Record<string, Record<string, string>> = {
  lambda: { invoke: 'RW' },
  apigateway: { invoke: 'RW' },
  athena: { startQueryExecution: 'RSW', stopQueryExecution: 'R', getQueryExecution: 'R', getQueryResults: 'R' },
  batch: { submitJob: 'RSW' },
  bedrock: { invokeModel: 'RW', createModelCustomizationJob: 'RSW' },
  codebuild: {
    startBuild: 'RSW', stopBuild: 'R', batchDeleteBuilds: 'R', batchGetReports: 'R', startBuildBatch: 'RSW',
    stopBuildBatch: 'R', retryBuildBatch: 'RSW', deleteBuildBatch: 'R',
  },
  dynamodb: { getItem: 'R', putItem: 'R', updateItem: 'R', deleteItem: 'R' },
  ecs: { runTask: 'RSW' },
  eks: {
    createCluster: 'RSW', deleteCluster: 'RSW', createFargateProfile: 'RSW', deleteFargateProfile: 'RSW',
    createNodegroup: 'RSW', deleteNodegroup: 'RSW', runJob: 'RSW', call: 'R',
  },
  elasticmapreduce: {
    createCluster: 'RSW', terminateCluster: 'RSW', addStep: 'RSW', cancelStep: 'R',
    setClusterTerminationProtection: 'R', modifyInstanceFleetByName: 'R', modifyInstanceGroupByName: 'R',
  },
  'emr-containers': { createVirtualCluster: 'R', deleteVirtualCluster: 'RS', startJobRun: 'RSW' },
  'emr-serverless': {
    createApplication: 'RS', startApplication: 'RS', stopApplication: 'RS', deleteApplication: 'RS',
    startJobRun: 'RS', cancelJobRun: 'RS',
  },
  events: { putEvents: 'RW' },
  glue: { startJobRun: 'RSW' },
  databrew: { startJobRun: 'RS' },
  mediaconvert: { createJob: 'RS' },
  sagemaker: {
    createEndpoint: 'RW', createEndpointConfig: 'RW', createHyperParameterTuningJob: 'RSW', createLabelingJob: 'RSW',
    createModel: 'RW', createProcessingJob: 'RSW', createTrainingJob: 'RSW', createTransformJob: 'RSW', updateEndpoint: 'RW',
  },
  sns: { publish: 'RW' },
  sqs: { sendMessage: 'RW' },
  states: { startExecution: 'RSW' },
  http: { invoke: 'R' },
};

/** Distributed Map readers and writers (AWS "ItemReader", "ResultWriter"). */
const ITEM_READERS = new Set(['s3:getObject', 's3:listObjectsV2']);
const RESULT_WRITERS = new Set(['s3:putObject']);

const PARTITION = 'arn:aws(?:-[a-z]+)*';
const LAMBDA = new RegExp(`^${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_$-]{1,128})?$`);
const ACTIVITY = new RegExp(`^${PARTITION}:states:[a-z0-9-]+:\\d{12}:activity:[^\\s:]{1,80}$`);
const INTEGRATION = new RegExp(`^${PARTITION}:states:::(.+)$`);
const AWS_SDK = /^aws-sdk:[a-z0-9-]+:[A-Za-z][A-Za-z0-9]*(?:\.waitForTaskToken)?$/;

export type ResourceKind = 'lambda' | 'activity' | 'integration' | 'name' | 'unknown';

/** What a Task resource is, as AWS classifies it. */
export function classifyResource(resource: string): ResourceKind {
  if (!resource.startsWith('arn:')) return resource.length > 0 ? 'name' : 'unknown';
  if (LAMBDA.test(resource)) return 'lambda';
  if (ACTIVITY.test(resource)) return 'activity';
  const m = INTEGRATION.exec(resource);
  if (!m) return 'unknown';
  const rest = m[1]!;
  if (AWS_SDK.test(rest)) return 'integration';
  const pm = /^([a-z0-9-]+):([A-Za-z0-9]+)(\.sync(?::2)?|\.waitForTaskToken)?$/.exec(rest);
  if (!pm) return 'unknown';
  const own = Object.prototype.hasOwnProperty;
  const actions = own.call(OPTIMIZED, pm[1]!) ? OPTIMIZED[pm[1]!] : undefined;
  const patterns = actions && own.call(actions, pm[2]!) ? actions[pm[2]!] : undefined;
  if (patterns === undefined) return 'unknown';
  const suffix = pm[3];
  const need = suffix === undefined ? 'R' : suffix.startsWith('.sync') ? 'S' : 'W';
  if (suffix === '.sync:2' && pm[1] !== 'states') return 'unknown';
  return patterns.includes(need) ? 'integration' : 'unknown';
}

const notRecognized = (resource: string, at: string): Diagnostic =>
  schemaError(
    `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
    at,
  );

export function resourceDiagnostics(w: Walk, type: 'STANDARD' | 'EXPRESS'): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of w.states) {
    const t = field(v.state, 'Type');
    if (t === 'Task') {
      const resource = field(v.state, 'Resource');
      if (typeof resource !== 'string') continue;
      const at = loc(v.at, 'Resource');
      const kind = classifyResource(resource);
      if (type === 'EXPRESS') {
        const express = expressProblem(resource, kind);
        if (express) {
          out.push(schemaError(express, at));
          continue;
        }
      }
      if (kind === 'unknown') out.push(notRecognized(resource, at));
    } else if (t === 'Map') {
      checkDistributedResource(field(v.state, 'ItemReader'), ITEM_READERS, loc(v.at, 'ItemReader', 'Resource'), out);
      checkDistributedResource(field(v.state, 'ResultWriter'), RESULT_WRITERS, loc(v.at, 'ResultWriter', 'Resource'), out);
    }
  }
  return out;
}

function expressProblem(resource: string, kind: ResourceKind): string | undefined {
  if (kind === 'activity') return 'Express state machine does not support Activity ARN';
  if (!resource.startsWith('arn:')) return undefined;
  if (/\.sync(?::2)?$/.test(resource)) return "Express state machine does not support '.sync' service integration";
  if (resource.endsWith('.waitForTaskToken')) return "Express state machine does not support '.waitForTaskToken' service integration ";
  return undefined;
}

function checkDistributedResource(part: unknown, allowed: Set<string>, at: string, out: Diagnostic[]): void {
  if (!isJsonObject(part)) return;
  const resource = field(part, 'Resource');
  if (typeof resource !== 'string') return;
  const m = INTEGRATION.exec(resource);
  if (!m || !allowed.has(m[1]!)) out.push(notRecognized(resource, at));
}
