/**
 * `asl run FILE [--input JSON] [--name NAME] [--type STANDARD|EXPRESS] [--watch] [--endpoint URL]`: creates (or
 * updates) the state machine in FILE on a running server, starts one execution and prints its result — or, with
 * --watch, follows it live like `asl watch`. Exit 0 when the execution succeeded, 1 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs, rejectUnknown, stringOption, UsageError } from './args.js';
import { AwsError, awsCall } from './aws-client.js';
import { watchCommand } from './watch.js';

const ROLE = 'arn:aws:iam::123456789012:role/asl-run';

/** A state machine name from a file name: `orders.asl.json` → `orders`; AWS name rules (1–80 of [A-Za-z0-9-_]). */
export function machineNameFor(file: string): string {
  const stem = basename(file).replace(/(\.asl)?\.(json|ya?ml)$/i, '');
  const name = stem.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
  return name || 'state-machine';
}

/** Runs the command; returns the exit code. */
export async function runCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['watch']);
  rejectUnknown(args, ['input', 'name', 'type', 'watch', 'endpoint']);
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('run needs exactly one FILE');
  const endpoint = stringOption(args, 'endpoint', 'http://127.0.0.1:8080');
  const type = stringOption(args, 'type', 'STANDARD').toUpperCase();
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new UsageError('--type must be STANDARD or EXPRESS');
  const input = stringOption(args, 'input', '{}');
  try {
    JSON.parse(input);
  } catch {
    throw new UsageError(`--input is not JSON: '${input}'`);
  }
  const definition = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${e.code ?? String(e)}`);
  });

  try {
    const stateMachineArn = await upsert(endpoint, stringOption(args, 'name') ?? machineNameFor(file), definition, type);
    if (type === 'EXPRESS') {
      // Express executions have no history to stream: run synchronously and print the result.
      const r = await awsCall(endpoint, 'StartSyncExecution', { stateMachineArn, input });
      return report(out, String(r['status']), r);
    }
    const { executionArn } = await awsCall<{ executionArn: string }>(endpoint, 'StartExecution', { stateMachineArn, input });
    out(`execution ${executionArn}`);
    if (args.options.has('watch')) return watchCommand([executionArn, '--endpoint', endpoint], out);
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      const d = await awsCall(endpoint, 'DescribeExecution', { executionArn });
      if (d['status'] !== 'RUNNING') return report(out, String(d['status']), d);
      await new Promise((r) => setTimeout(r, delay));
    }
  } catch (e) {
    if (e instanceof AwsError) {
      out(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof TypeError) {
      out(`error: cannot reach ${endpoint} (is \`asl serve\` running?)`);
      return 1;
    }
    throw e;
  }
}

/** Creates the state machine, or updates it when one with that name exists; returns its ARN. */
async function upsert(endpoint: string, name: string, definition: string, type: string): Promise<string> {
  try {
    const r = await awsCall<{ stateMachineArn: string }>(endpoint, 'CreateStateMachine', { name, definition, type, roleArn: ROLE });
    return r.stateMachineArn;
  } catch (e) {
    if (!(e instanceof AwsError) || e.code !== 'StateMachineAlreadyExists') throw e;
    const arn = /'(arn:[^']+)'/.exec(e.message)?.[1];
    if (!arn) throw e;
    await awsCall(endpoint, 'UpdateStateMachine', { stateMachineArn: arn, definition });
    return arn;
  }
}

function report(out: (s: string) => void, status: string, r: Record<string, unknown>): number {
  out(`status ${status}`);
  if (typeof r['output'] === 'string') out(r['output']);
  if (r['error'] !== undefined) out(`error ${String(r['error'])}${r['cause'] !== undefined ? `: ${String(r['cause'])}` : ''}`);
  return status === 'SUCCEEDED' ? 0 : 1;
}
