/**
 * Return values of the resources whose identity a local import can know: Lambda functions, state machines
 * (so a parent's `arn:aws:states:::states:startExecution` reaches the imported child) and activities.
 * Both are named by a property or, failing that, by the logical id (what the importer names the machine).
 * Return values as AWS documents them: `Ref` of AWS::StepFunctions::StateMachine / Activity is the ARN,
 * `Fn::GetAtt … Name` the name.
 */
import { isJsonObject, ownGet, type JsonObject } from '../util/json.js';
import type { EvalText } from './import-conditions.js';
import type { Collector } from './import-intrinsics.js';
import type { ImportedFunction, ImportOptions } from './import-report.js';
import { partitionOf, sanitizeName, warn } from './import-report.js';

interface Known {
  arnKind: 'stateMachine' | 'activity';
  nameProps: string[];
}

const KNOWN: Record<string, Known> = {
  'AWS::StepFunctions::StateMachine': { arnKind: 'stateMachine', nameProps: ['StateMachineName'] },
  'AWS::Serverless::StateMachine': { arnKind: 'stateMachine', nameProps: ['Name'] },
  'AWS::StepFunctions::Activity': { arnKind: 'activity', nameProps: ['Name'] },
};

/** The name and ARN of a resource of a known type, or undefined. */
function identity(resource: JsonObject, region: string, account: string, id: string, text: EvalText): { name: string; arn: string } | undefined {
  const type = ownGet(resource, 'Type');
  const known = typeof type === 'string' && Object.prototype.hasOwnProperty.call(KNOWN, type) ? KNOWN[type] : undefined;
  if (!known) return undefined;
  const props = ownGet(resource, 'Properties');
  const raw = isJsonObject(props) ? known.nameProps.map((p) => ownGet(props, p)).find((v) => v !== undefined) : undefined;
  // An unresolvable machine name falls back to the logical id, as the importer names that machine (import-cfn).
  const given = raw === undefined ? id : text(raw) ?? (known.arnKind === 'stateMachine' ? id : undefined);
  if (given === undefined) return undefined;
  // State machines get the importer's sanitised name; activities keep theirs (AWS refuses invalid ones anyway).
  const name = known.arnKind === 'stateMachine' ? sanitizeName(given) : given;
  return { name, arn: `arn:${partitionOf(region)}:states:${region}:${account}:${known.arnKind}:${name}` };
}

/** `Ref` of a known resource (its ARN), or undefined. */
export function knownRef(resource: JsonObject, region: string, account: string, id: string, text: EvalText): string | undefined {
  return identity(resource, region, account, id, text)?.arn;
}

/** `Fn::GetAtt` of a known resource (`Arn`, `Name`), or undefined. */
export function knownAtt(resource: JsonObject, attr: string, region: string, account: string, id: string, text: EvalText): string | undefined {
  const found = identity(resource, region, account, id, text);
  return attr === 'Arn' ? found?.arn : attr === 'Name' ? found?.name : undefined;
}

/** Where a Lambda reference is resolved: the template's resources and the machine's collector. */
export interface LambdaScope {
  file: string;
  opts: ImportOptions;
  resources: JsonObject;
  out: Collector;
  /** Evaluates the function's FunctionName (a self-reference comes back unresolved). */
  text: EvalText;
}

/**
 * The Lambda function a logical id names: its FunctionName when that evaluates to plain text, else
 * `opts.map[logicalId]`, else the logical id itself (a WARNING: the local function must carry that name).
 */
export function lambdaFunction(scope: LambdaScope, logicalId: string, pointer: string): ImportedFunction {
  const { file, opts, out } = scope;
  const known = out.functions.find((f) => f.logicalId === logicalId);
  if (known) return known;
  const resource = ownGet(scope.resources, logicalId);
  const props = isJsonObject(resource) ? ownGet(resource, 'Properties') : undefined;
  const raw = isJsonObject(props) ? ownGet(props, 'FunctionName') : undefined;
  const own = raw === undefined ? undefined : scope.text(raw);
  const mapped = opts.map && Object.prototype.hasOwnProperty.call(opts.map, logicalId) ? opts.map[logicalId] : undefined;
  const functionName = own ?? mapped ?? logicalId;
  const from = own !== undefined ? 'FunctionName' : mapped !== undefined ? 'map' : 'logicalId';
  const arn = `arn:${partitionOf(opts.region)}:lambda:${opts.region}:${opts.account}:function:${functionName}`;
  const fn: ImportedFunction = { logicalId, functionName, arn, from };
  out.functions.push(fn);
  if (from === 'logicalId') {
    out.problems.push(warn(file, pointer, `Lambda function ${logicalId} has no literal FunctionName: using the name "${logicalId}" (map it with --map ${logicalId}=NAME)`));
  }
  return fn;
}
