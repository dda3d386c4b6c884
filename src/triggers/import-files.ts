/**
 * `convertFiles`: existing AWS definitions → the state machines to create, with a precise report. Pure apart
 * from the injected `readFile`. Each file is one of:
 * - a plain ASL definition (`.asl.json`, `.json`, `.asl.yaml`, `.yaml`, `.yml` whose document has StartAt and States);
 * - a CloudFormation / SAM template, including CDK's `cdk.out/*.template.json` (see import-cfn.ts);
 * - a Serverless Framework `serverless.yml` using serverless-step-functions (see import-serverless.ts).
 * A definition file that a template names (DefinitionUri, DefinitionS3Location, `${file()}`) and that is also
 * among `files` is used by that template and not imported a second time on its own.
 */
import { posix } from 'node:path';
import { isJsonObject, ownGet, type Json } from '../util/json.js';
import type { Loader } from './import-cfn.js';
import { convertTemplate, isTemplate } from './import-cfn.js';
import { newCollector } from './import-intrinsics.js';
import { finishMachine } from './import-machine.js';
import { formatOf, parseFile, type Parsed } from './import-parse.js';
import type { ImportOptions, ImportPlan, ImportProblem, PlannedStateMachine } from './import-report.js';
import { fail, stemOf } from './import-report.js';
import { convertServerless, isServerless } from './import-serverless.js';

export type { ImportedFunction, ImportedSchedule, ImportOptions, ImportPlan, ImportProblem, PlannedStateMachine, Unresolved } from './import-report.js';
export { formatImportPlan, planHasErrors, sanitizeName } from './import-report.js';

export interface ImportFile {
  name: string;
  content: string;
}

const ASL_NAME = /\.asl\.(json|ya?ml)$/i;

function normalize(name: string): string {
  return posix.normalize(name.replace(/\\/g, '/')).replace(/^\.\//, '');
}

/**
 * Converts the files into a plan. Every planned definition has been validated as CreateStateMachine would;
 * the plan is ALL-OR-NOTHING: when `problems` holds any ERROR (see `planHasErrors`), the caller must create
 * none of the machines. WARNINGs (guessed function names, unresolved references left as `${...}` text,
 * skipped schedules) do not block. Machine names must be unique across the plan (an ERROR otherwise).
 */
export function convertFiles(files: ImportFile[], opts: ImportOptions): ImportPlan {
  const byName = new Map(files.map((f) => [normalize(f.name), f]));
  const consumed = new Set<string>();
  const load: Loader = (path, from, anywhere) => {
    const resolved = normalize(posix.join(posix.dirname(normalize(from)), path));
    const key = normalize(path);
    const hit = byName.get(resolved) ??
      (anywhere ? files.find((f) => normalize(f.name) === key || normalize(f.name).endsWith('/' + key)) : undefined);
    if (hit) {
      consumed.add(hit.name);
      return hit;
    }
    const content = opts.readFile?.(resolved);
    return content === undefined ? undefined : { name: resolved, content };
  };

  const problems: ImportProblem[] = [];
  const perFile = new Map<string, PlannedStateMachine[]>();
  const rest: { file: ImportFile; parsed: Parsed }[] = [];
  for (const file of files) {
    const parsed = parseFile(file.name, file.content);
    const doc = parsed.ok ? parsed.value : undefined;
    const convert = !isJsonObject(doc) || ownGet(doc, 'StartAt') !== undefined || ownGet(doc, 'States') !== undefined ? undefined
      : isTemplate(doc) ? convertTemplate : isServerless(doc) ? convertServerless : undefined;
    if (!convert || !isJsonObject(doc)) {
      rest.push({ file, parsed });
      continue;
    }
    guarded(file.name, problems, () => perFile.set(file.name, convert(file.name, doc, opts, load, problems)));
  }
  // Then the rest, so that definition files a template already used (even unparsable ones) are skipped.
  for (const { file, parsed } of rest.filter((r) => !consumed.has(r.file.name))) {
    const doc = parsed.ok ? parsed.value : undefined;
    if (!parsed.ok) problems.push(fail(file.name, undefined, `cannot read ${file.name}: ${parsed.message}`));
    else if (isJsonObject(doc) && (ownGet(doc, 'StartAt') !== undefined || ownGet(doc, 'States') !== undefined || ASL_NAME.test(file.name))) {
      guarded(file.name, problems, () => perFile.set(file.name, [plainDefinition(file, parsed.value, problems)]));
    } else {
      problems.push(fail(file.name, '', 'not a state machine definition (StartAt + States), a CloudFormation/SAM/CDK template (Resources) or a serverless.yml (service + stepFunctions)'));
    }
  }

  const stateMachines = files.flatMap((f) => perFile.get(f.name) ?? []);
  const seen = new Map<string, PlannedStateMachine>();
  for (const m of stateMachines) {
    const first = seen.get(m.name);
    if (first) {
      problems.push(fail(m.source.file, m.source.pointer, `state machine name ${m.name} is also planned from ${first.source.file}${first.source.pointer === '' ? '' : '#' + first.source.pointer}`));
    } else seen.set(m.name, m);
  }
  return { stateMachines, problems };
}

/** Hostile input (nesting deep enough to exhaust the stack, say) must end in a report, not a crash. */
function guarded(name: string, problems: ImportProblem[], convert: () => void): void {
  try {
    convert();
  } catch (e) {
    problems.push(fail(name, undefined, `cannot convert ${name}: ${(e as Error).message}`));
  }
}

/**
 * A file that is one ASL definition. Its name is the file name without folders and extensions
 * (`flows/Order Flow.asl.yaml` → `Order-Flow`, see `sanitizeName`). JSON text is kept verbatim.
 */
function plainDefinition(file: ImportFile, value: Json, problems: ImportProblem[]): PlannedStateMachine {
  const isJson = formatOf(file.name) === 'json' || (formatOf(file.name) === 'unknown' && /^\s*\{/.test(file.content));
  const definition = isJson ? { kind: 'text' as const, text: file.content } : { kind: 'object' as const, value };
  return finishMachine({
    file: file.name, pointer: '', definitionPointer: '', name: stemOf(file.name), type: undefined,
    definition, collector: newCollector(), schedules: [],
  }, problems);
}

/**
 * Which files of a folder `asl import DIR` should read: ASL, JSON and YAML files, minus what is never a
 * definition (package manifests, CDK's manifest/tree/asset files, tsconfig).
 */
export function isImportCandidate(path: string): boolean {
  const base = (path.split(/[\\/]/).pop() ?? path).toLowerCase();
  if (!/\.(json|ya?ml)$/.test(base)) return false;
  if (/^(package(-lock)?|tsconfig.*|cdk|cdk\.context|manifest|tree|jsconfig|\.eslintrc.*)\.json$/.test(base)) return false;
  return !base.endsWith('.assets.json') && !base.startsWith('.');
}
