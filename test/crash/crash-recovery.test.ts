/**
 * Crash recovery with a real child process: many executions in flight (Waits, loops, Parallel, Lambda tasks),
 * `kill -9`, restart on the same database. Every acknowledged execution must finish with the same output and the
 * same history (ids, links, details; timestamps aside) as an uncrashed run, with no event lost or duplicated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const ROLE = 'arn:aws:iam::123456789012:role/crash';

function serve(db: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', db], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`server did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ proc, url: m[1]! });
      }
    });
    proc.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    proc.on('exit', (code) => rej(new Error(`server exited ${code}: ${out}`)));
  });
}

const client = (url: string) => new SFNClient({
  endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, disableHostPrefix: true, maxAttempts: 1,
});

// An RIE-like echo function (in this process) that answers slowly, so calls are in flight at the crash.
let fnServer: http.Server;
let fnUrl = '';
beforeAll(async () => {
  fnServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => res.end(Buffer.concat(chunks).toString() || '{}'), 40));
  });
  await new Promise<void>((r) => fnServer.listen(0, '127.0.0.1', r));
  fnUrl = `http://127.0.0.1:${(fnServer.address() as AddressInfo).port}/2015-03-31/functions/function/invocations`;
});
afterAll(() => new Promise<void>((r) => fnServer.close(() => r())));

const MACHINES: Record<string, object> = {
  loop: {
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Parameters: { 'n.$': '$.n', i: 0 }, Next: 'Wait' },
      Wait: { Type: 'Wait', Seconds: 1, Next: 'Inc' },
      Inc: { Type: 'Pass', Parameters: { 'n.$': '$.n', 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: 3, Next: 'Wait' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  },
  parallel: {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel', End: true,
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 1, Next: 'A2' }, A2: { Type: 'Pass', Result: 'a', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 2, Next: 'B2' }, B2: { Type: 'Pass', Result: 'b', End: true } } },
        ],
      },
    },
  },
  task: {
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:crash-echo', Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 1, Next: 'Again' },
      Again: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'crash-echo', 'Payload.$': '$' }, ResultSelector: { 'p.$': '$.Payload' }, End: true },
    },
  },
};

/** The history with timestamps dropped (they differ between runs by nature). */
async function history(sfn: SFNClient, executionArn: string): Promise<Omit<HistoryEvent, 'timestamp'>[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...page.events!);
    nextToken = page.nextToken;
  } while (nextToken);
  return events.map(({ timestamp: _t, ...rest }) => rest);
}

/**
 * Normalises what legitimately differs between two executions: the name (all names are 3 characters, so
 * lengths match) and the per-call request ids, dates and trace ids inside lambda:invoke results.
 */
const normal = (v: unknown, name: string) => JSON.parse(JSON.stringify(v ?? null).split(name).join('<name>')
  .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
  .replace(/Root=1-[0-9a-f-]+;Parent=[0-9a-f]+;Sampled=0/g, '<trace>')
  .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/g, '<date>')) as unknown;

async function finish(sfn: SFNClient, arn: string, deadline: number) {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    if (d.status !== 'RUNNING' || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('crash recovery', () => {
  it('finishes every acknowledged execution after kill -9 with identical output and history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asl-crash-'));
    const db = join(dir, 'crash.db');
    let proc: ChildProcess | undefined;
    try {
      const a = await serve(db);
      proc = a.proc;
      await fetch(`${a.url}/api/functions/crash-echo`, { method: 'PUT', body: JSON.stringify({ endpoint: fnUrl }) });
      const sfnA = client(a.url);
      const smArn: Record<string, string> = {};
      for (const [name, def] of Object.entries(MACHINES)) {
        smArn[name] = (await sfnA.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(def), roleArn: ROLE }))).stateMachineArn!;
      }
      // Reference runs that never see a crash: one per machine, finished before the others start.
      const reference: Record<string, { output?: string; history: unknown }> = {};
      await Promise.all(Object.keys(MACHINES).map(async (name) => {
        const arn = (await sfnA.send(new StartExecutionCommand({ stateMachineArn: smArn[name], name: 'r000', input: '{"n":"r000"}' }))).executionArn!;
        const d = await finish(sfnA, arn, Date.now() + 15_000);
        expect(d.status).toBe('SUCCEEDED');
        reference[name] = { output: normal(d.output, 'r000') as string, history: normal(await history(sfnA, arn), 'r000') };
      }));

      // Many executions in flight; keep starting more until the kill, recording only acknowledged starts.
      const acked: { arn: string; machine: string; name: string }[] = [];
      let killed = false;
      // 200 starts in concurrent batches of 20; the kill comes once all are acknowledged (or at 3 s on a slow box),
      // while every execution is still inside its Waits, loops and Parallel branches.
      const TOTAL = 200;
      const BATCH = 20;
      const starter = (async () => {
        for (let b = 0; !killed && b < TOTAL / BATCH; b++) {
          await Promise.all(Array.from({ length: BATCH }, async (_, j) => {
            const i = b * BATCH + j;
            const machine = Object.keys(MACHINES)[i % 3]!;
            const name = `x${String(i).padStart(3, '0')}`;
            try {
              const r = await sfnA.send(new StartExecutionCommand({ stateMachineArn: smArn[machine], name, input: JSON.stringify({ n: name }) }));
              acked.push({ arn: r.executionArn!, machine, name });
            } catch {
              // the server died mid-request: that start was never acknowledged
            }
          }));
        }
      })();
      await Promise.race([starter, new Promise((r) => setTimeout(r, 3000))]);
      killed = true;
      proc.kill('SIGKILL');
      await starter;
      sfnA.destroy();
      expect(acked.length).toBeGreaterThan(100);

      const b = await serve(db);
      proc = b.proc;
      const sfnB = client(b.url);
      const deadline = Date.now() + 40_000;
      // The crash must have caught work in flight, or this test proves nothing.
      const runningAtRestart = await Promise.all(acked.map((x) => sfnB.send(new DescribeExecutionCommand({ executionArn: x.arn }))));
      expect(runningAtRestart.filter((d) => d.status === 'RUNNING').length).toBeGreaterThan(50);
      for (const x of acked) {
        const d = await finish(sfnB, x.arn, deadline);
        expect(d.status, x.arn).toBe('SUCCEEDED');
        expect(normal(d.output, x.name), x.arn).toEqual(reference[x.machine]!.output);
        const hist = await history(sfnB, x.arn);
        expect(hist.map((e) => e.id)).toEqual(hist.map((_, i) => i + 1));
        expect(normal(hist, x.name), x.arn).toEqual(reference[x.machine]!.history);
      }
      sfnB.destroy();
    } finally {
      proc?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
