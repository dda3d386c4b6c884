/**
 * Serverless Framework `serverless.yml` with the serverless-step-functions plugin →
 * planned state machines. Reads `stepFunctions.stateMachines.<key>` (`definition`, `name`, `type`, `role`,
 * `tags`, `events` → schedules). Functions under `functions:` get the framework's deployed name
 * `<service>-<stage>-<function>` (or their own `name:`), and can be referenced the ways the plugin documents:
 * `Fn::GetAtt: [hello, Arn]`, `Fn::GetAtt: [HelloLambdaFunction, Arn]`, `Ref: HelloLambdaFunction`.
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';
import type { TemplateContext } from './import-intrinsics.js';
import { asText, evaluate, newCollector } from './import-intrinsics.js';
import type { Loader } from './import-cfn.js';
import { finishMachine } from './import-machine.js';
import type { ImportOptions, ImportProblem, PlannedStateMachine } from './import-report.js';
import { fail, ptr, warn } from './import-report.js';
import { serverlessSchedules } from './import-schedules.js';
import { ServerlessVars } from './import-serverless-vars.js';

/** True when a parsed document looks like a serverless.yml. */
export function isServerless(doc: JsonObject): boolean {
  return ownGet(doc, 'service') !== undefined && (ownGet(doc, 'stepFunctions') !== undefined || ownGet(doc, 'provider') !== undefined);
}

/**
 * The framework's CloudFormation logical id for a function: first letter upper-cased, `-` → `Dash`,
 * `_` → `Underscore`, then `LambdaFunction` (serverless `naming.getLambdaLogicalId`).
 */
export function lambdaLogicalId(key: string): string {
  const normal = key.charAt(0).toUpperCase() + key.slice(1);
  return `${normal.replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;
}

/** Resources visible to intrinsics: the file's own `resources.Resources` plus one Lambda per function. */
function syntheticTemplate(doc: JsonObject, vars: ServerlessVars, problems: ImportProblem[], file: string): JsonObject {
  const scratch = newCollector();
  const service = vars.resolve(serviceName(doc), '/service', scratch);
  const res = ownGet(doc, 'resources');
  const own = isJsonObject(res) ? ownGet(res, 'Resources') : undefined;
  const resources: JsonObject = {};
  const functions = ownGet(doc, 'functions');
  for (const [key, fn] of Object.entries(isJsonObject(functions) ? functions : {})) {
    const named = isJsonObject(fn) ? ownGet(fn, 'name') : undefined;
    const name = named === undefined ? `${asText(service)}-${vars.stage}-${key}` : asText(vars.resolve(named, ptr('/functions', key, 'name'), scratch));
    const resource: Json = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: name } };
    resources[key] = resource;
    resources[lambdaLogicalId(key)] = resource;
  }
  problems.push(...scratch.problems.map((p) => ({ ...p, file })));
  const conditions = isJsonObject(res) ? ownGet(res, 'Conditions') : undefined;
  return { Resources: { ...resources, ...(isJsonObject(own) ? own : {}) }, ...(isJsonObject(conditions) ? { Conditions: conditions } : {}) };
}

/** `service: name` or the older `service: { name: … }`. */
function serviceName(doc: JsonObject): Json {
  const s = ownGet(doc, 'service');
  return isJsonObject(s) ? ownGet(s, 'name') ?? '' : s ?? '';
}

/** Every state machine of one serverless.yml; problems are appended to `problems`. */
export function convertServerless(file: string, doc: JsonObject, opts: ImportOptions, load: Loader, problems: ImportProblem[]): PlannedStateMachine[] {
  const vars = new ServerlessVars(file, doc, opts, load);
  const sf = ownGet(doc, 'stepFunctions');
  const base = '/stepFunctions/stateMachines';
  const shared = newCollector();
  const raw = isJsonObject(sf) ? ownGet(sf, 'stateMachines') : undefined;
  // Resolved per machine below (so each records its own substitutions) unless the whole map is a variable.
  const machines = raw === undefined || isJsonObject(raw) ? raw : vars.resolve(raw, base, shared);
  problems.push(...shared.problems);
  if (!isJsonObject(machines) || Object.keys(machines).length === 0) {
    problems.push(warn(file, base, 'no state machines in this serverless.yml (looked for stepFunctions.stateMachines)'));
    return [];
  }
  const template = syntheticTemplate(doc, vars, problems, file);
  const ctx: TemplateContext = { file, template, opts, stackName: `${asText(vars.resolve(serviceName(doc), '', newCollector()))}-${vars.stage}` };
  const planned: PlannedStateMachine[] = [];
  for (const [key, m] of Object.entries(machines)) {
    const at = ptr(base, key);
    const out = newCollector();
    const resolved = vars.resolve(m, at, out);
    if (!isJsonObject(resolved)) {
      problems.push(...out.problems, fail(file, at, `state machine ${key} is not an object`));
      continue;
    }
    const definition = ownGet(resolved, 'definition');
    if (definition === undefined) {
      problems.push(fail(file, at, `state machine ${key} has no definition`));
      continue;
    }
    const defPointer = ptr(at, 'definition');
    const value = evaluate(ctx, definition, defPointer, out);
    const name = ownGet(resolved, 'name');
    const role = ownGet(resolved, 'role');
    const tags = ownGet(resolved, 'tags');
    planned.push(finishMachine({
      file, pointer: at, definitionPointer: defPointer,
      // Without `name` the plugin lets CloudFormation generate one from the key; the key is the stable part.
      name: typeof name === 'string' && name !== '' ? name : key,
      type: ownGet(resolved, 'type'),
      definition: typeof value === 'string' ? { kind: 'text', text: value } : { kind: 'object', value },
      collector: out,
      schedules: serverlessSchedules(file, ownGet(resolved, 'events'), ptr(at, 'events'), out.problems),
      ...(typeof role === 'string' && role.startsWith('arn:') ? { roleArn: role } : {}),
      ...(isJsonObject(tags) ? { tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, asText(v)])) } : {}),
    }, problems));
  }
  return planned;
}
