/**
 * The Lambda samples end to end: the real `samples/` folder loaded into a service over a temp database, every
 * function running as a real process in the built-in host, state persisted by the functions in a temp data dir.
 * One service and one set of hosts serve the whole file (cold starts are the expensive part).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSamples, type LoadedSamples } from '../../src/cli/samples.js';
import { createService, type Service } from '../../src/service/service.js';

const SAMPLES = join(import.meta.dirname, '../../samples');
let tmp = '';
let dataDir = '';
let service: Service;
let samples: LoadedSamples;
const logs: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'asl-samples-'));
  dataDir = join(tmp, 'data');
  service = createService({ db: join(tmp, 'db.sqlite') });
  samples = await loadSamples(service, SAMPLES, { dataDir, log: (s) => logs.push(s) });
});
afterAll(async () => {
  await samples?.close();
  await service?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const arnOf = (name: string): string => {
  const found = samples.loaded.find((s) => s.name === name);
  if (!found) throw new Error(`sample ${name} not loaded; log:\n${logs.join('\n')}`);
  return found.stateMachineArn;
};

interface Result { status: string; output?: string; error?: string; cause?: string }

/** StartExecution and wait for the end (the samples' fire-and-forget path, observed from the outside). */
async function run(name: string, input: unknown, executionName?: string): Promise<Result & { arn: string }> {
  const started = (await service.call('StartExecution', {
    stateMachineArn: arnOf(name), input: JSON.stringify(input), ...(executionName ? { name: executionName } : {}),
  })) as { executionArn: string };
  return { ...(await service.waitForExecution(started.executionArn)), arn: started.executionArn };
}

/** The errors of the failed Lambda calls in an execution's history. */
async function lambdaErrors(executionArn: string): Promise<string[]> {
  const h = (await service.call('GetExecutionHistory', { executionArn, maxResults: 1000 })) as { events: { type: string; lambdaFunctionFailedEventDetails?: { error?: string } }[] };
  return h.events.filter((e) => e.type === 'LambdaFunctionFailed').map((e) => e.lambdaFunctionFailedEventDetails?.error ?? '');
}

const outputOf = (r: Result): unknown => {
  if (r.status !== 'SUCCEEDED') throw new Error(`execution ${r.status}: ${r.error} ${r.cause}`);
  return JSON.parse(r.output!);
};

/** The key-value-write sample through StartSyncExecution (blocking end to end). */
async function writeKey(key: string, value: unknown): Promise<{ statusCode: number; body: unknown }> {
  const res = (await service.call('StartSyncExecution', {
    stateMachineArn: arnOf('key-value-write'),
    input: JSON.stringify({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key, value }) }),
  })) as { status: string; output?: string; error?: string; cause?: string };
  expect(res.status, `${res.error} ${res.cause}`).toBe('SUCCEEDED');
  const out = JSON.parse(res.output!) as { statusCode: number; body: string };
  return { statusCode: out.statusCode, body: JSON.parse(out.body) };
}

describe('loader over the real samples folder', () => {
  it('loads every Lambda sample without skipping any', () => {
    const names = samples.loaded.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([
      'hello-world-node', 'hello-world-python', 'key-value-write', 'blob-emit', 'paged-sort', 'chain-walker', 'chain-walker-split',
    ]));
    expect(logs.filter((l) => l.startsWith('samples: skipped'))).toEqual([]);
    // The top-level definitions (no functions) are loaded too, named after their files.
    const topLevel = readdirSync(SAMPLES).filter((f) => f.endsWith('.asl.json')).map((f) => f.slice(0, -'.asl.json'.length));
    expect(names).toEqual(expect.arrayContaining(topLevel));
  });

  it('gives every sample folder a README and a sample.json naming it, with an example input', () => {
    const folders = readdirSync(SAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_')).map((e) => e.name);
    expect(folders.length).toBeGreaterThanOrEqual(7);
    for (const f of folders) {
      expect(readFileSync(join(SAMPLES, f, 'README.md'), 'utf8'), f).toMatch(/^# /);
      const meta = JSON.parse(readFileSync(join(SAMPLES, f, 'sample.json'), 'utf8')) as { name: string; type: string; input: unknown };
      expect(meta.name, f).toBe(f);
      expect(['STANDARD', 'EXPRESS']).toContain(meta.type);
      expect(typeof meta.input, f).toBe('object');
    }
  });

  it('ships one identical copy of the store module in every function that persists', () => {
    const canonical = readFileSync(join(SAMPLES, '_lib/store.mjs'), 'utf8');
    const copies = readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('store.mjs') && !p.startsWith('_lib'));
    expect(copies.length).toBeGreaterThanOrEqual(10);
    for (const p of copies) expect(readFileSync(join(SAMPLES, p), 'utf8'), p).toBe(canonical);
  });
});

describe('hello world', () => {
  it('calls the Node function', async () => {
    expect(outputOf(await run('hello-world-node', { name: 'Ada' }))).toEqual({ greeting: 'Hello, Ada!', runtime: 'nodejs', functionName: 'hello-node' });
  });
  it('calls the Python function through lambda:invoke', async () => {
    expect(outputOf(await run('hello-world-python', {}))).toEqual({ greeting: 'Hello, World!', runtime: 'python', functionName: 'hello-python' });
  });
});

describe('key-value write', () => {
  it('persists a value and reads it back on the next write of the key', async () => {
    expect(await writeKey('greeting', 'hello')).toEqual({ statusCode: 200, body: { key: 'greeting', version: 1, previous: null } });
    expect(await writeKey('greeting', { text: 'hi' })).toEqual({ statusCode: 200, body: { key: 'greeting', version: 2, previous: 'hello' } });
    const onDisk = JSON.parse(readFileSync(join(dataDir, 'keyval', 'greeting.json'), 'utf8')) as { value: unknown; version: number };
    expect(onDisk).toMatchObject({ value: { text: 'hi' }, version: 2 });
  });

  it('answers 400 for a bad request without persisting anything', async () => {
    const res = (await service.call('StartSyncExecution', {
      stateMachineArn: arnOf('key-value-write'), input: JSON.stringify({ headers: {}, body: '{"key": "no value"}' }),
    })) as { status: string; output: string };
    expect(res.status).toBe('SUCCEEDED');
    const out = JSON.parse(res.output) as { statusCode: number; body: string };
    expect(out.statusCode).toBe(400);
    expect(JSON.parse(out.body)).toEqual({ error: 'InvalidRequest', message: '"key" must be 1-128 characters of [A-Za-z0-9._:-]' });
  });
});

describe('blob emit, chain walker', () => {
  const blobs = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'];

  it('emits blobs onto one chain, concurrently, without forking it', async () => {
    const first = outputOf(await run('blob-emit', { chainId: 'c1', blob: blobs[0] }));
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(first).toEqual({
      chainId: 'c1', blockId: 'c1:0', height: 0, parent: null, blobHash: sha('b0'),
      hash: sha(`c1:0||${sha('b0')}`),
    });
    // Fire-and-forget: all the starts return at once; the conflicts on a height loop back to fetchLastBlock.
    const rest = await Promise.all(blobs.slice(1).map((blob) => run('blob-emit', { chainId: 'c1', blob })));
    const outs = rest.map(outputOf) as { height: number; parent: string }[];
    expect(outs.map((o) => o.height).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const o of outs) expect(o.parent).toBe(`c1:${o.height - 1}`);
    const conflicts = (await Promise.all(rest.map((r) => lambdaErrors(r.arn)))).flat();
    // Concurrent emits raced for a height; the losers looped back to fetchLastBlock instead of failing.
    expect(conflicts.length).toBeGreaterThan(0);
    expect(new Set(conflicts)).toEqual(new Set(['BlockHeightTaken']));
    const stored = JSON.parse(readFileSync(join(dataDir, 'chains', 'c1', '9.json'), 'utf8')) as { status: string };
    expect(stored.status).toBe('sealed');
    const blob = JSON.parse(readFileSync(join(dataDir, 'blobs', `${sha('b3')}.json`), 'utf8')) as { blob: string };
    expect(blob.blob).toBe('b3');
  });

  it('walks the chain in a loop and in 4 parallel segments with the same result', async () => {
    const expected = { start: 'c1:9', length: 10, blocks: Array.from({ length: 10 }, (_, i) => `c1:${9 - i}`) };
    const loop = await run('chain-walker', { blockId: 'c1:9' });
    const mark = logs.length;
    const split = await run('chain-walker-split', { blockId: 'c1:9' });
    expect(outputOf(loop)).toEqual(expected);
    expect(outputOf(split)).toEqual(expected);
    // chain-walker/sample.json gives readBlock 4 environments: the segments were read by more than one.
    const pids = new Set(logs.slice(mark).flatMap((l) => /^\[readBlock\] .*environment pid=(\d+)/.exec(l)?.slice(1) ?? []));
    expect(pids.size).toBeGreaterThan(1);
    // A shorter walk, fewer blocks than segments.
    const short = { start: 'c1:2', length: 3, blocks: ['c1:2', 'c1:1', 'c1:0'] };
    expect(outputOf(await run('chain-walker-split', { blockId: 'c1:2' }))).toEqual(short);
    expect(outputOf(await run('chain-walker', { blockId: 'c1:2' }))).toEqual(short);
  });

  it('fails the walk of an unknown block with the function error', async () => {
    const r = await run('chain-walker', { blockId: 'nope:3' });
    expect(r).toMatchObject({ status: 'FAILED', error: 'BlockNotFound' });
  });
});

describe('paged sort', () => {
  it('sorts every page in descending order, once per dedupe key', async () => {
    await writeKey('scores', [5, 3, 9, 1, 7, 8, 4, 2]);
    const input = JSON.stringify({ key: 'scores', pageSize: 3 });
    // The dedupe key: the execution name derived from the arguments.
    const name = `sortKey-${createHash('sha256').update(input).digest('hex').slice(0, 40)}`;
    const start = () => service.call('StartExecution', { stateMachineArn: arnOf('paged-sort'), input, name })
      .then((r) => ({ arn: (r as { executionArn: string }).executionArn }), (e: { code?: string }) => ({ error: e.code }));
    const a = await start();
    const b = await start();
    if (!('arn' in a)) throw new Error(`first start failed: ${a.error}`);
    // While the first run is RUNNING the same name + input returns it; once closed, AWS says ExecutionAlreadyExists.
    expect([a.arn, 'ExecutionAlreadyExists']).toContain('arn' in b ? b.arn : b.error);
    expect(outputOf(await service.waitForExecution(a.arn))).toEqual({ key: 'scores', version: 1, total: 8, pages: [[9, 5, 3], [8, 7, 1], [4, 2]] });
    expect(await start()).toEqual({ error: 'ExecutionAlreadyExists' });
    for (const page of [0, 1, 2]) {
      const rec = JSON.parse(readFileSync(join(dataDir, 'sorted', 'scores', `${page}.json`), 'utf8')) as { writes: number };
      expect(rec.writes, `page ${page}`).toBe(1);
    }
  });
});
