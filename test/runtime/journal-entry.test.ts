/**
 * A Lambda result whose exact text is known is journalled as that text alone (src/runtime/journal-entry.ts), and an
 * execution rebuilt from such entries after a restart goes on exactly as one that never stopped.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineInput } from '../../src/engine/contract.js';
import { journalEntry, parseJournalEntry } from '../../src/runtime/journal-entry.js';
import { createService, type Service } from '../../src/service/service.js';
import { putFunction } from '../../src/service/functions.js';

const dir = mkdtempSync(join(tmpdir(), 'asl-journal-entry-'));
// The function answers with a JSON text that JSON.stringify would write differently (AWS records it verbatim).
const RAW = '{"v": 1.0, "list": [0.0, 2e0]}';
let fn: http.Server;
let fnUrl: string;
beforeAll(async () => {
  fn = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(RAW));
  });
  await new Promise<void>((r) => fn.listen(0, '127.0.0.1', r));
  fnUrl = `http://127.0.0.1:${(fn.address() as AddressInfo).port}/2015-03-31/functions/function/invocations`;
});
afterAll(async () => {
  await new Promise<void>((r) => fn.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const DEFINITION = JSON.stringify({
  StartAt: 'T', States: {
    T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:raw', Next: 'W' },
    W: { Type: 'Wait', Seconds: 1, Next: 'P' },
    P: { Type: 'Pass', End: true },
  },
});

async function open(db: string): Promise<Service> {
  const svc = createService({ db: join(dir, db), functionCodeDir: join(dir, `${db}-fv`) });
  await putFunction(svc.ctx, 'raw', { endpoints: [fnUrl] });
  return svc;
}

type History = { events: { type: string; lambdaFunctionSucceededEventDetails?: { output: string } }[] };
const history = async (svc: Service, executionArn: string) => (await svc.call('GetExecutionHistory', { executionArn, maxResults: 1000 })) as History;
const describeExecution = async (svc: Service, executionArn: string) =>
  (await svc.call('DescribeExecution', { executionArn })) as { status: string; output?: string };

/** Runs the machine on a new database; with `restart`, closes the service while W waits and reopens it. */
async function run(db: string, restart: boolean): Promise<{ output?: string; types: string[]; lambdaOutput?: string; journal: string[] }> {
  let svc = await open(db);
  const { stateMachineArn } = (await svc.call('CreateStateMachine', { name: 'm', definition: DEFINITION, roleArn: 'arn:aws:iam::123456789012:role/r' })) as { stateMachineArn: string };
  const { executionArn } = (await svc.call('StartExecution', { stateMachineArn, input: '{"in": 0.50}' })) as { executionArn: string };
  await vi.waitFor(async () => expect((await history(svc, executionArn)).events.map((e) => e.type)).toContain('WaitStateEntered'));
  const row = svc.ctx.store.executions.get(executionArn)!;
  const journal = svc.ctx.store.executions.journal(row.id);
  if (restart) {
    await svc.close();
    svc = await open(db);
  }
  try {
    await vi.waitFor(async () => expect((await describeExecution(svc, executionArn)).status).toBe('SUCCEEDED'), { timeout: 5000 });
    const events = (await history(svc, executionArn)).events;
    return {
      output: (await describeExecution(svc, executionArn)).output, types: events.map((e) => e.type), journal,
      lambdaOutput: events.find((e) => e.type === 'LambdaFunctionSucceeded')?.lambdaFunctionSucceededEventDetails?.output,
    };
  } finally {
    await svc.close();
  }
}

describe('journal entries', () => {
  it('journals a result with its exact text as the text alone, and reads it back whole', () => {
    const input: EngineInput = { kind: 'TaskSucceeded', now: 5, taskId: 't', output: { v: 1, list: [0, 2] }, outputText: RAW };
    const text = journalEntry(input);
    expect(JSON.parse(text)).toEqual({ kind: 'TaskSucceeded', now: 5, taskId: 't', outputText: RAW });
    expect(parseJournalEntry(text)).toEqual(input);
    // Without a text, and as entries written before this form, the output is kept as it is.
    const plain: EngineInput = { kind: 'TaskSucceeded', now: 5, taskId: 't', output: { a: [1] } };
    expect(parseJournalEntry(journalEntry(plain))).toEqual(plain);
    expect(parseJournalEntry(JSON.stringify({ ...input, output: { old: true } }))).toEqual({ ...input, output: { old: true } });
  });

  it('rebuilds an execution from such entries after a restart to the same end as one that never stopped', async () => {
    const straight = await run('straight.db', false);
    const restarted = await run('restarted.db', true);
    const succeeded = restarted.journal.map((j) => JSON.parse(j) as { kind: string; output?: unknown; outputText?: string })
      .find((j) => j.kind === 'TaskSucceeded');
    expect(succeeded).toMatchObject({ outputText: RAW });
    expect(succeeded).not.toHaveProperty('output');
    expect(restarted.lambdaOutput).toBe(RAW);
    expect(restarted.output).toBe(straight.output);
    expect(JSON.parse(restarted.output!)).toEqual({ v: 1, list: [0, 2] });
    expect(restarted.types).toEqual(straight.types);
  });
});
