/**
 * The four ways one workload is run, each behind the same `Mode` shape:
 *  - durable: the embedded service on a SQLite file, STANDARD machine, full history committed per step;
 *  - express: the embedded service, EXPRESS machine (in memory, no history rows), db ':memory:';
 *  - http:    a real `asl serve` child process; StartExecution, then DescribeExecution polled until it ends;
 *  - peer:    aws-local-stepfunctions (in memory, keeps nothing) on the same definition and input.
 */
import { join } from 'node:path';
import { createService } from '../../src/service/service.js';
import { start } from '../../src/service/executions.js';
import { putFunction } from '../../src/service/functions.js';
import type { Db } from '../../src/store/db.js';
import { chunkEvents } from '../../src/store/history.js';
import { startChild } from './children.js';
import { postJson, putJson } from './http-post.js';
import { taskStateNames, type Workload } from './workloads.js';
import type { RunOne } from './drive.js';

export type ModeName = 'durable' | 'express' | 'http' | 'peer';
export const MODE_NAMES: ModeName[] = ['durable', 'express', 'http', 'peer'];

export interface Mode {
  runOne: RunOne;
  /** Peak RSS of the process doing the work when it is not this one (the `asl serve` child), MB. */
  childPeakRssMb?: () => number | undefined;
  /** Store transactions (group commits) so far, where the mode can count them. */
  commits?: () => number;
  /** History events stored so far and the characters of their JSON (durable mode). */
  countHistory?: () => { rows: number; bytes: number };
  close(): Promise<void>;
}

/** `echoUrls`: the echo function's RIE-compatible invoke URLs (one per concurrent driver), for Task workloads. */
export interface ModeSetup { workload: Workload; echoUrls?: string[]; tmp: string; root: string }

/** The echo function's ARN in the workloads is `function:echo`: register it under that name. */
const ECHO = 'echo';

function outputOf(r: { status: string; output?: string; error?: string; cause?: string }): unknown {
  if (r.status !== 'SUCCEEDED') throw new Error(`${r.status} ${r.error ?? ''} ${r.cause?.slice(0, 200) ?? ''}`);
  return JSON.parse(r.output ?? 'null');
}

/**
 * Events, not rows: the store keeps up to 256 events of one commit in one history_chunks row, in a compact form,
 * deflated when large (src/store/history.ts). Bytes are the AWS-shaped JSON text of the events (what
 * GetExecutionHistory returns), the size of row the raw-insert baseline writes per event.
 */
function countHistory(db: Db): { rows: number; bytes: number } {
  let rows = 0;
  let bytes = 0;
  const rowsOf = db.prepare('SELECT events FROM history_chunks');
  for (const r of rowsOf.iterate() as IterableIterator<{ events: string | Buffer }>) {
    for (const e of chunkEvents(r.events)) {
      rows++;
      bytes += JSON.stringify(e).length;
    }
  }
  return { rows, bytes };
}

async function embedded(s: ModeSetup, type: 'STANDARD' | 'EXPRESS'): Promise<Mode> {
  const db = type === 'STANDARD' ? join(s.tmp, 'durable.db') : ':memory:';
  const svc = createService({ db, durability: 'normal', functionCodeDir: join(s.tmp, 'fv') });
  // The embedded API (src/index.ts) cannot register a function; the service's own use case can.
  if (s.echoUrls) await putFunction(svc.ctx, ECHO, { endpoints: s.echoUrls });
  const { stateMachineArn } = (await svc.call('CreateStateMachine', {
    name: `bench-${s.workload.id}`, definition: s.workload.definitionText, type,
    roleArn: 'arn:aws:iam::123456789012:role/bench',
  })) as { stateMachineArn: string };
  // Count group commits (the runner and the service share this store object) to report rows per commit.
  let commits = 0;
  const store = svc.ctx.store;
  const transaction = store.transaction.bind(store);
  store.transaction = (fn) => { commits++; return transaction(fn); };
  const input = s.workload.inputText;
  return {
    commits: () => commits,
    ...(type === 'STANDARD' ? { countHistory: () => countHistory(store.db) } : {}),
    async runOne() {
      const started = await start(svc.ctx, { stateMachineArn, input }, false);
      return outputOf(await started.done);
    },
    close: () => svc.close(),
  };
}

async function overHttp(s: ModeSetup): Promise<Mode> {
  const child = await startChild(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', join(s.tmp, 'http.db')], s.root);
  const call = async (op: string, body: unknown): Promise<Record<string, unknown>> => {
    const r = await postJson(child.url + '/', JSON.stringify(body), {
      'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${op}`,
    });
    if (r.status !== 200) throw new Error(`${op} → ${r.status} ${r.text.slice(0, 200)}`);
    return JSON.parse(r.text) as Record<string, unknown>;
  };
  try {
    if (s.echoUrls) {
      const r = await putJson(`${child.url}/api/functions/${ECHO}`, { endpoints: s.echoUrls });
      if (r.status >= 300) throw new Error(`PUT /api/functions/${ECHO} → ${r.status} ${r.text}`);
    }
    const { stateMachineArn } = await call('CreateStateMachine', {
      name: `bench-${s.workload.id}`, definition: s.workload.definitionText, roleArn: 'arn:aws:iam::123456789012:role/bench',
    });
    return {
      async runOne() {
        const { executionArn } = await call('StartExecution', { stateMachineArn, input: s.workload.inputText });
        // Poll from 1 ms, growing 1.5x to 20 ms: end-to-end latency includes up to one poll interval.
        for (let wait = 1; ; wait = Math.min(20, wait * 1.5)) {
          const d = await call('DescribeExecution', { executionArn });
          if (d['status'] !== 'RUNNING') return outputOf(d as { status: string; output?: string });
          await new Promise((r) => setTimeout(r, wait));
        }
      },
      childPeakRssMb: () => child.peakRssMb(),
      close: () => child.stop(),
    };
  } catch (e) {
    await child.stop();
    throw e;
  }
}

async function peer(s: ModeSetup): Promise<Mode> {
  // aws-local-stepfunctions 3 targets Node 22; on Node 20 it needs Promise.withResolvers.
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= function withResolvers() {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(s.workload.definition as never);
  const echoUrls = s.echoUrls;
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  let rr = 0;
  if (echoUrls) {
    // The same RIE-compatible endpoint, over a keep-alive POST, as our dispatcher does.
    for (const name of taskStateNames(s.workload.definition)) {
      handlers[name] = async (input) => {
        const r = await postJson(echoUrls[rr++ % echoUrls.length]!, JSON.stringify(input));
        if (r.status !== 200) throw new Error(`echo → ${r.status}`);
        return JSON.parse(r.text) as unknown;
      };
    }
  }
  const input = s.workload.input;
  return {
    async runOne() {
      const exec = machine.run(structuredClone(input) as never, echoUrls ? { overrides: { taskResourceLocalHandlers: handlers as never } } : {});
      return (await exec.result) as unknown;
    },
    close: async () => {},
  };
}

export function openMode(name: ModeName, s: ModeSetup): Promise<Mode> {
  switch (name) {
    case 'durable': return embedded(s, 'STANDARD');
    case 'express': return embedded(s, 'EXPRESS');
    case 'http': return overHttp(s);
    case 'peer': return peer(s);
  }
}
