/**
 * Runs the AWS-recorded conformance corpus through the engine in process (no server, no HTTP):
 *   npx tsx scripts/engine-corpus.ts [--only REGEX] [-v] [--cases DIR]
 * Execution cases that need no Lambda are compiled and driven by `step` with a virtual clock (timers fire by
 * jumping `now`), then scored with the conformance runner's own evaluate.mjs (same normalisation and checks:
 * pass = status/output/error/cause; hist-types; full-hist). With `--lambda` the Lambda cases run too: each
 * function gets the runner's own Python host (lambda-hosts.mjs) and tasks go through src/dispatch's Lambda
 * dispatcher; a task answer wins over a pending timer unless it takes more than 2 s of real time. Resources of
 * other services fail as the dispatcher fails them (States.TaskFailed).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, replay, step } from '../src/engine/index.js';
import type { Command, EngineInput, ExecutionState, HistoryEvent } from '../src/engine/index.js';
import type { StateMachineDefinition } from '../src/asl/types.js';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const casesDir = opt('--cases') ?? '/work/shared/conformance/cases';
const only = opt('--only') ? new RegExp(opt('--only')!) : undefined;
const verbose = args.includes('-v');
const withLambda = args.includes('--lambda');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { evaluateExecution } = await import('/work/shared/conformance/lib/evaluate.mjs' as string) as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hosts = await import('/work/shared/conformance/lib/lambda-hosts.mjs' as string) as any;
const { createLambdaDispatcher } = await import('../src/dispatch/lambda-dispatcher.js');

const EPOCH = 1_700_000_000_000;
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const hash = (alg: string, text: string) => createHash(alg.replace('-', '').toLowerCase()).update(text).digest('hex');

interface Case {
  id: string; kind: string; file: string; categories: string[]; needsLambda: boolean;
  stateMachine?: { name?: string; type?: string; roleArn?: string } | null;
  definition: unknown; lambdas?: { name: string }[]; execution?: { name?: string; inputText?: string | null; input?: unknown } | null;
  expected: { status?: string; historyEventTypes?: string[] };
}

interface Run {
  status: string; output?: string; error?: string; cause?: string; events: HistoryEvent[]; requestIds: string[];
  /** Replaying the journal reproduced the same history and state. */
  replayed: boolean;
}

export async function drive(c: Case): Promise<Run> {
  const registry = new Map<string, string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const started: any[] = [];
  for (const fn of c.lambdas ?? []) {
    const h = await hosts.startHost(fn, {});
    started.push(h);
    registry.set(fn.name, h.endpoint);
  }
  try {
    return { ...(await driveWith(c, registry)), requestIds: started.flatMap((h) => h.requestIds) };
  } finally {
    for (const h of started) h.stop();
  }
}

async function driveWith(c: Case, registry: Map<string, string>): Promise<Omit<Run, 'requestIds'>> {
  const journal: EngineInput[] = [];
  const dispatcher = createLambdaDispatcher({ lookup: (n) => registry.get(n), region: REGION, account: ACCOUNT });
  const answers: Promise<EngineInput[]>[] = [];
  const pending = new Set<Promise<EngineInput[]>>();
  const program = compile(c.definition as StateMachineDefinition);
  const smName = c.stateMachine?.name ?? 'conformance_sm_00000000';
  const execName = c.execution?.name ?? '00000000-0000-4000-8000-000000000000';
  const roleArn = c.stateMachine?.roleArn ?? `arn:aws:iam::${ACCOUNT}:role/conformance`;
  const input = c.execution?.inputText == null ? {} : JSON.parse(c.execution.inputText);
  let now = EPOCH;
  const type = c.stateMachine?.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const meta = {
    executionArn: type === 'EXPRESS'
      ? `arn:aws:states:${REGION}:${ACCOUNT}:express:${smName}:${execName}:00000000-0000-4000-8000-000000000001`
      : `arn:aws:states:${REGION}:${ACCOUNT}:execution:${smName}:${execName}`,
    executionName: execName, stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${smName}`,
    stateMachineName: smName, roleArn, startTime: new Date(now).toISOString(), region: REGION, account: ACCOUNT,
    type, ...(type === 'STANDARD' ? { redriveCount: 0 } : {}),
  } as const;
  const events: HistoryEvent[] = [];
  const timers = new Map<string, number>();
  const inbox: EngineInput[] = [];
  let state: ExecutionState | undefined;
  const stopBefore = c.expected.status === 'ABORTED' ? (c.expected.historyEventTypes ?? []).slice(0, -1) : undefined;
  const feed = async (inp: EngineInput) => {
    journal.push(inp);
    const r = await step(program, state, inp, { hash });
    state = r.state;
    events.push(...r.events);
    for (const cmd of r.commands) act(cmd);
  };
  const act = (cmd: Command) => {
    if (cmd.kind === 'StartTimer') timers.set(cmd.timerId, cmd.fireAt);
    else if (cmd.kind === 'CancelTimer') timers.delete(cmd.timerId);
    else if (cmd.kind === 'DispatchTask') {
      const got: EngineInput[] = [];
      const p = dispatcher.dispatch(cmd, new AbortController().signal, {
        onStarted: () => { inbox.push({ kind: 'TaskStarted', now, taskId: cmd.taskId }); },
      }).then((o) => {
        got.push(o.ok ? { kind: 'TaskSucceeded', now, taskId: cmd.taskId, output: o.output, ...(o.outputText !== undefined ? { outputText: o.outputText } : {}) }
          : { kind: 'TaskFailed', now, taskId: cmd.taskId, error: o.error, ...(o.cause !== undefined ? { cause: o.cause } : {}) });
        return got;
      });
      const tracked = p.then((r) => { pending.delete(tracked); return r; });
      pending.add(tracked);
      answers.push(tracked);
    }
  };
  const inputText = c.execution?.inputText ?? undefined;
  await feed({ kind: 'Start', now, input, meta, seed: 42, ...(inputText != null ? { inputText } : {}) });
  for (let guard = 0; guard < 100_000 && state!.status === 'RUNNING'; guard++) {
    if (stopBefore && events.length >= stopBefore.length) { await feed({ kind: 'Stop', now }); break; }
    const next = inbox.shift();
    if (next) { await feed(next); continue; }
    if (pending.size > 0) {
      const wait = timers.size > 0 ? 2000 : 60_000;
      const r = await Promise.race([...pending, new Promise<null>((res) => setTimeout(() => res(null), wait))]);
      if (r) {
        for (const inp of r) inbox.push({ ...inp, now });
        continue;
      }
      if (inbox.length > 0) continue;
    }
    if (timers.size === 0) break;
    const [timerId, at] = [...timers.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    timers.delete(timerId);
    if (c.expected.status === 'RUNNING' && at - EPOCH > 10_000) break;
    now = Math.max(now, at);
    await feed({ kind: 'TimerFired', now, timerId });
  }
  const s = state!;
  dispatcher.close();
  const again = await replay(program, journal, { hash });
  const replayed = JSON.stringify(again.allEvents) === JSON.stringify(events) && JSON.stringify(again.state) === JSON.stringify(s);
  return { status: s.status, output: s.output, error: s.error, cause: s.cause, events, replayed };
}

async function main() {
  const index = JSON.parse(readFileSync(join(casesDir, 'index.json'), 'utf8')) as Case[];
  const picked = index.filter((e) => (e.kind === 'execution' || e.kind === 'sync_execution') && (withLambda || !e.needsLambda))
    .filter((e) => !only || only.test(e.id) || only.test(e.file));
  type Tally = { n: number; pass: number; ht: number; htN: number; fh: number; fhN: number; err: number };
  let replayFailures = 0;
  const byCat = new Map<string, Tally>();
  const total: Tally = { n: 0, pass: 0, ht: 0, htN: 0, fh: 0, fhN: 0, err: 0 };
  for (const entry of picked) {
    const c = { ...JSON.parse(readFileSync(join(casesDir, entry.file), 'utf8')), file: entry.file } as Case;
    const cats = entry.categories.length ? entry.categories : ['(none)'];
    let checks: Record<string, boolean> = {};
    let pass = false;
    let note = '';
    try {
      const r = await drive(c);
      if (!r.replayed) { replayFailures++; console.log(`REPLAY MISMATCH ${c.id}`); }
      const smName = c.stateMachine?.name ?? 'conformance_sm_00000000';
      const ev = evaluateExecution(c, {
        result: { status: r.status, output: r.output, error: r.error, cause: r.cause },
        events: c.kind === 'sync_execution' ? null : r.events.map((e) => ({ ...e, timestamp: e.timestamp / 1000 })),
        historyError: null, sync: c.kind === 'sync_execution',
        executionArn: c.stateMachine?.type === 'EXPRESS'
          ? `arn:aws:states:${REGION}:${ACCOUNT}:express:${smName}:${c.execution?.name ?? 'x'}:00000000-0000-4000-8000-000000000001`
          : `arn:aws:states:${REGION}:${ACCOUNT}:execution:${smName}:${c.execution?.name ?? 'x'}`,
        stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${smName}`,
        origName: c.stateMachine?.name ?? null, name: smName,
        roleArn: c.stateMachine?.roleArn ?? `arn:aws:iam::${ACCOUNT}:role/conformance`, requestIds: r.requestIds,
      });
      checks = ev.checks;
      pass = ev.pass;
      if (!pass || verbose) note = JSON.stringify(ev.diffs).slice(0, 600);
      else if (checks.fullHistory === false || checks.historyTypes === false) note = JSON.stringify(ev.diffs).slice(0, 600);
    } catch (e) {
      note = `ERROR ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
      total.err++;
    }
    for (const t of [total, ...cats.map((k) => byCat.get(k) ?? (byCat.set(k, { n: 0, pass: 0, ht: 0, htN: 0, fh: 0, fhN: 0, err: 0 }), byCat.get(k)!))]) {
      t.n++;
      if (pass) t.pass++;
      if ('historyTypes' in checks) { t.htN++; if (checks.historyTypes) t.ht++; }
      if ('fullHistory' in checks) { t.fhN++; if (checks.fullHistory) t.fh++; }
    }
    if (verbose || !pass) console.log(`${pass ? 'PASS' : 'FAIL'} ${c.id} ${pass && !verbose ? '' : note}`);
    else if (verbose) console.log(`PASS ${c.id}`);
  }
  const row = (k: string, t: Tally) =>
    `${k.padEnd(22)} ${`${t.pass}/${t.n}`.padStart(9)} ${`${t.ht}/${t.htN}`.padStart(9)} ${`${t.fh}/${t.fhN}`.padStart(9)}`;
  console.log(`\n${'category'.padEnd(22)} ${'pass'.padStart(9)} ${'hist-type'.padStart(9)} ${'full-hist'.padStart(9)}`);
  for (const [k, t] of [...byCat.entries()].sort()) console.log(row(k, t));
  console.log(row('TOTAL', total));
  if (total.err) console.log(`(${total.err} cases threw)`);
  console.log(`replay: ${total.n - total.err - replayFailures}/${total.n - total.err} journals reproduced their history exactly`);
}

await main();
hosts.killAllHosts?.();
process.exit(0);
