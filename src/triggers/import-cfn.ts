/**
 * CloudFormation / SAM / CDK templates → planned state machines. Reads `AWS::StepFunctions::StateMachine`
 * (Definition, DefinitionString, DefinitionS3Location, DefinitionSubstitutions, StateMachineName,
 * StateMachineType, RoleArn, Tags) and `AWS::Serverless::StateMachine` (Definition, DefinitionUri,
 * DefinitionSubstitutions, Name, Type, Role, Tags, Events). CDK's `cdk.out/*.template.json` is plain
 * CloudFormation whose DefinitionString is an `Fn::Join` of text and references.
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';
import type { Collector, TemplateContext } from './import-intrinsics.js';
import { asText, evaluate, evaluateString, newCollector } from './import-intrinsics.js';
import type { FoundDefinition } from './import-machine.js';
import { finishMachine } from './import-machine.js';
import { formatOf, parseFile } from './import-parse.js';
import type { ImportOptions, ImportProblem, PlannedStateMachine } from './import-report.js';
import { fail, ptr, stemOf, warn } from './import-report.js';
import { ruleSchedules, samSchedules } from './import-schedules.js';

/** Loads a file a template names: `path` relative to the template; `anywhere` also matches by suffix (S3 keys). */
export type Loader = (path: string, from: string, anywhere: boolean) => { name: string; content: string } | undefined;

const SFN = 'AWS::StepFunctions::StateMachine';
const SAM = 'AWS::Serverless::StateMachine';

/** True when a parsed document looks like a CloudFormation/SAM template. */
export function isTemplate(doc: JsonObject): boolean {
  return isJsonObject(ownGet(doc, 'Resources')) || ownGet(doc, 'AWSTemplateFormatVersion') !== undefined;
}

/** Every state machine of one template; problems are appended to `problems`. */
export function convertTemplate(file: string, template: JsonObject, opts: ImportOptions, load: Loader, problems: ImportProblem[]): PlannedStateMachine[] {
  const ctx: TemplateContext = { file, template, opts, stackName: stemOf(file) };
  const resources = ownGet(template, 'Resources');
  const machines: PlannedStateMachine[] = [];
  for (const [id, r] of Object.entries(isJsonObject(resources) ? resources : {})) {
    const type = isJsonObject(r) ? ownGet(r, 'Type') : undefined;
    if (!isJsonObject(r) || (type !== SFN && type !== SAM)) continue;
    const m = convertResource(ctx, id, r, type === SAM, load, problems);
    if (m) machines.push(m);
  }
  if (machines.length === 0 && !problems.some((p) => p.file === file && p.severity === 'ERROR')) {
    problems.push(warn(file, '/Resources', `no state machines in this template (looked for ${SFN} and ${SAM} resources)`));
  }
  return machines;
}

function convertResource(ctx: TemplateContext, id: string, r: JsonObject, sam: boolean, load: Loader, problems: ImportProblem[]): PlannedStateMachine | undefined {
  const { file } = ctx;
  const at = ptr('/Resources', id);
  const props = ownGet(r, 'Properties');
  if (!isJsonObject(props)) {
    problems.push(fail(file, at, `state machine ${id} has no Properties`));
    return undefined;
  }
  const base = ptr(at, 'Properties');
  const out = newCollector();
  const found = findDefinition(ctx, props, base, sam, load, out, problems);
  if (!found) return undefined;
  const nameKey = sam ? 'Name' : 'StateMachineName';
  // While the name is evaluated, a reference back to this machine is unresolved rather than recursing.
  (ctx.busy ??= new Set()).add(id);
  let name = evaluateString(ctx, ownGet(props, nameKey), ptr(base, nameKey));
  ctx.busy.delete(id);
  if (name === undefined) {
    // CloudFormation generates `<LogicalId>-<random>` when the name is absent; the logical id is the stable part.
    if (ownGet(props, nameKey) !== undefined) out.problems.push(warn(file, ptr(base, nameKey), `${nameKey} cannot be resolved locally; using the logical id ${id}`));
    name = id;
  }
  const substitutions: Record<string, string> = {};
  const subs = evaluate(ctx, ownGet(props, 'DefinitionSubstitutions') ?? {}, ptr(base, 'DefinitionSubstitutions'), out);
  if (isJsonObject(subs)) for (const [k, v] of Object.entries(subs)) substitutions[k] = asText(v);
  const roleKey = sam ? 'Role' : 'RoleArn';
  const roleArn = evaluateString(ctx, ownGet(props, roleKey), ptr(base, roleKey));
  const tags = readTags(ctx, ownGet(props, 'Tags'), ptr(base, 'Tags'), out);
  const schedules = [...(sam ? samSchedules(ctx, ownGet(props, 'Events'), ptr(base, 'Events'), out) : []), ...ruleSchedules(ctx, id, out)];
  return finishMachine({
    file, pointer: at, definitionPointer: found.pointer, name, type: ownGet(props, sam ? 'Type' : 'StateMachineType'),
    definition: found.definition, substitutions, collector: out, schedules,
    ...(roleArn === undefined ? {} : { roleArn }), ...(tags === undefined ? {} : { tags }),
  }, problems);
}

/** CloudFormation Tags are `[{Key, Value}]`; SAM Tags are a map. */
function readTags(ctx: TemplateContext, raw: Json | undefined, p: string, out: Collector): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const v = evaluate(ctx, raw, p, out);
  const tags: Record<string, string> = {};
  if (Array.isArray(v)) for (const t of v) if (isJsonObject(t) && typeof t.Key === 'string') tags[t.Key] = asText(t.Value ?? '');
  if (isJsonObject(v)) for (const [k, val] of Object.entries(v)) tags[k] = asText(val);
  return tags;
}

type Found = { definition: FoundDefinition; pointer: string };

function findDefinition(ctx: TemplateContext, props: JsonObject, base: string, sam: boolean, load: Loader, out: Collector, problems: ImportProblem[]): Found | undefined {
  const { file } = ctx;
  const inline = ownGet(props, 'Definition');
  if (inline !== undefined) {
    const pointer = ptr(base, 'Definition');
    const v = evaluate(ctx, inline, pointer, out);
    return { definition: typeof v === 'string' ? { kind: 'text', text: v } : { kind: 'object', value: v }, pointer };
  }
  const str = ownGet(props, 'DefinitionString');
  if (str !== undefined) {
    const pointer = ptr(base, 'DefinitionString');
    const v = evaluate(ctx, str, pointer, out);
    return { definition: typeof v === 'string' ? { kind: 'text', text: v } : { kind: 'object', value: v }, pointer };
  }
  const locKey = sam ? 'DefinitionUri' : 'DefinitionS3Location';
  const pointer = ptr(base, locKey);
  const location = evaluate(ctx, ownGet(props, locKey) ?? null, pointer, out);
  let path: string | undefined;
  let s3: string | undefined;
  if (typeof location === 'string' && location.startsWith('s3://')) {
    s3 = location;
    path = location.replace(/^s3:\/\/[^/]+\//, '');
  } else if (typeof location === 'string') path = location;
  else if (isJsonObject(location) && typeof location.Key === 'string') {
    s3 = `s3://${asText(location.Bucket ?? '')}/${location.Key}`;
    path = location.Key;
  }
  if (path === undefined) {
    problems.push(fail(file, base, `state machine has no definition (Definition, DefinitionString or ${locKey})`));
    return undefined;
  }
  const loaded = load(path, file, s3 !== undefined);
  if (!loaded) {
    const what = s3 ? `the definition is in S3 (${s3}); pass the file too (its name must end with ${path})` : `definition file ${path} not found next to ${file}`;
    out.unresolved.push({ file, pointer, what });
    problems.push(fail(file, pointer, what));
    return undefined;
  }
  // JSON text is kept verbatim and substituted textually, as CloudFormation does with the uploaded file (a
  // placeholder may even stand for a number outside quotes); YAML becomes JSON.
  if (formatOf(loaded.name) === 'json') return { definition: { kind: 'text', text: loaded.content }, pointer };
  const parsed = parseFile(loaded.name, loaded.content);
  if (!parsed.ok) {
    problems.push(fail(loaded.name, '', `definition file named by ${file}#${pointer} is ${parsed.message}`));
    return undefined;
  }
  return { definition: { kind: 'object', value: parsed.value }, pointer };
}
