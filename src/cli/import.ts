/**
 * `asl import PATH... [--map LogicalId=functionName]... [--dry-run] [--endpoint URL]`: sends ASL files and AWS
 * templates (CloudFormation, SAM, serverless.yml, cdk.out) to a running server's `POST /api/import` and prints its
 * report. Folders are searched for importable files; files a template names (DefinitionUri, DefinitionS3Location,
 * serverless `${file()}`) are sent along when they exist. Exit 1 when anything was refused.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { formatImportPlan, isImportCandidate, type ImportFile, type ImportPlan } from '../triggers/import-files.js';
import { parseArgs, rejectUnknown, stringOption, UsageError } from './args.js';

async function collect(path: string, into: Map<string, string>, top: boolean): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`no such file or folder: ${path}`);
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      await collect(join(path, entry), into, false);
    }
  } else if (top || isImportCandidate(path)) {
    into.set(relative(process.cwd(), resolve(path)) || path, await readFile(path, 'utf8'));
  }
}

/** Local files the given templates mention by relative path (sent along so the server never reads its disk). */
async function referencedFiles(files: Map<string, string>): Promise<void> {
  for (const [name, content] of [...files]) {
    for (const m of content.matchAll(/[\w./-]+\.(?:asl\.)?(?:json|ya?ml)\b/g)) {
      const rel = join(dirname(name), m[0]);
      if (files.has(rel)) continue;
      const text = await readFile(rel, 'utf8').catch(() => undefined);
      if (text !== undefined) files.set(rel, text);
    }
  }
}

/** Runs the command; returns the exit code. */
export async function importCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['dry-run']);
  rejectUnknown(args, ['map', 'dry-run', 'endpoint']);
  if (args.positionals.length === 0) throw new UsageError('import needs at least one PATH');
  const map: Record<string, string> = {};
  for (const pair of args.lists.get('map') ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--map takes LogicalId=functionName, got '${pair}'`);
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const endpoint = stringOption(args, 'endpoint', 'http://127.0.0.1:8080');
  const found = new Map<string, string>();
  for (const p of args.positionals) await collect(p, found, true);
  await referencedFiles(found);
  const files: ImportFile[] = [...found].map(([name, content]) => ({ name, content }));

  let res: Response;
  try {
    res = await fetch(new URL('/api/import', endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files, map, dryRun: args.options.has('dry-run') }),
    });
  } catch {
    out(`error: cannot reach ${endpoint} (is \`asl serve\` running?)`);
    return 1;
  }
  const report = (await res.json()) as ImportPlan & { applied?: boolean; message?: string };
  if (!Array.isArray(report.stateMachines)) {
    out(`error: ${report.message ?? res.status}`);
    return 1;
  }
  out(formatImportPlan(report));
  for (const m of report.stateMachines as (ImportPlan['stateMachines'][number] & { stateMachineArn?: string; action?: string })[]) {
    if (m.action) out(`${m.action}: ${m.name}${m.stateMachineArn ? ` ${m.stateMachineArn}` : ''}`);
  }
  if (args.options.has('dry-run')) out('dry run: nothing was created');
  return res.status === 200 ? 0 : 1;
}
