/** `asl validate FILE...`: AWS-style diagnostics for definition files; exit 1 when any has an ERROR. */
import { readFile } from 'node:fs/promises';
import { validateDefinition } from '../asl/validate.js';
import type { Diagnostic } from '../asl/types.js';
import { parseArgs, rejectUnknown, stringOption, UsageError } from './args.js';

interface FileReport {
  file: string;
  result: 'OK' | 'FAIL';
  diagnostics: Diagnostic[];
}

/** Runs the command; returns the exit code. */
export async function validateCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['json']);
  rejectUnknown(args, ['json', 'type']);
  const type = (stringOption(args, 'type', 'STANDARD')).toUpperCase();
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new UsageError(`--type must be STANDARD or EXPRESS`);
  if (args.positionals.length === 0) throw new UsageError('validate needs at least one FILE');

  const reports: FileReport[] = [];
  for (const file of args.positionals) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const message = `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
      reports.push({ file, result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'FILE_NOT_READABLE', message }] });
      continue;
    }
    const diagnostics = validateDefinition(text, { type });
    const failed = diagnostics.some((d) => d.severity === 'ERROR');
    reports.push({ file, result: failed ? 'FAIL' : 'OK', diagnostics });
  }

  if (args.options.has('json')) out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  else for (const r of reports) out(formatReport(r));
  return reports.some((r) => r.result === 'FAIL') ? 1 : 0;
}

function formatReport(r: FileReport): string {
  if (r.diagnostics.length === 0) return `${r.file}: OK`;
  const lines = r.diagnostics.map(
    (d) => `  ${d.severity} ${d.code}${d.location ? ` at ${d.location}` : ''}: ${d.message}`,
  );
  return [`${r.file}: ${r.result}`, ...lines].join('\n');
}
