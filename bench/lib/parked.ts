/**
 * Memory per parked execution: N STANDARD executions waiting in a one-hour Wait state in one embedded service
 * (SQLite file). Prints one JSON line. Usage: node --expose-gc --import tsx bench/lib/parked.ts N [WAIT_SECONDS]
 * (a Wait under a minute keeps the executions held in memory, parked, instead of evicted: src/runtime/wakeups.ts).
 *
 * Two deltas are reported, both after a full gc and after the runner's park sweep has run:
 * - `bytesPerExecution*`: against a baseline taken after a burst of N starts of a machine that ends at once.
 *   That burst leaves behind what any burst of N starts leaves (new space grown to its maximum, SQLite's page
 *   cache filled to its bound, optimized code, malloc arena growth), so the delta is what the parked executions
 *   themselves hold: their objects, plus the fragmentation their burst causes.
 * - `cold*`: against the baseline before that burst (what a freshly started service grows by).
 * Neither baseline waits for V8's memory reducer, which compacts the old space and shrinks the new space of an
 * idle process about 100 s after a burst: the steady state of a long-idle service is lower than both.
 * `settle` waits for the park sweep (1 s after an execution goes idle in src/runtime/runner.ts): measuring
 * sooner would count the state of executions not yet parked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { createService } from '../../src/service/service.js';
import { start } from '../../src/service/executions.js';

const gc = (globalThis as { gc?: () => void }).gc;
/** Longer than the runner's park sweep interval (PARK_AFTER_MS, 1 s) plus a margin. */
const SWEEP_WAIT_MS = 1500;
const CONCURRENCY = 16;

interface Mem { rss: number; heap: number; heapCommitted: number; newSpace: number }

async function settle(): Promise<Mem> {
  const until = Date.now() + SWEEP_WAIT_MS;
  while (Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  // `external` already includes `arrayBuffers`.
  return { rss: m.rss, heap: m.heapUsed + m.external, heapCommitted: m.heapTotal, newSpace };
}

/** Starts `n` executions of `stateMachineArn` from CONCURRENCY concurrent callers; returns the seconds taken. */
async function burst(svc: ReturnType<typeof createService>, stateMachineArn: string, prefix: string, n: number): Promise<number> {
  const input = JSON.stringify({ order: 'order-0001', amount: 125.5 });
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await start(svc.ctx, { stateMachineArn, input, name: `${prefix}-${i}` }, false);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - t0) / 1000;
}

async function machine(svc: ReturnType<typeof createService>, name: string, states: object): Promise<string> {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
  const res = (await svc.call('CreateStateMachine', { name, definition, roleArn: 'arn:aws:iam::123456789012:role/bench' })) as { stateMachineArn: string };
  return res.stateMachineArn;
}

/**
 * How many executions the runner holds in memory, how many of those are parked, and how many RUNNING executions it
 * does not hold (evicted: waiting in the store on a distant timer). Reads the runner's private map (bench only).
 */
function runnerCounts(svc: ReturnType<typeof createService>): { held?: number; parked?: number; evicted?: number } {
  const residents = (svc.ctx.runner as unknown as { residents?: { live?: Map<string, { parked?: true }> } }).residents;
  const live = residents?.live;
  if (!(live instanceof Map)) return {};
  let parked = 0;
  for (const l of live.values()) if (l.parked) parked++;
  const running = (svc.ctx.store.db.prepare("SELECT count(*) AS n FROM executions WHERE status = 'RUNNING'").get() as { n: number }).n;
  return { held: live.size, parked, evicted: running - live.size };
}

async function main(n: number, waitSeconds: number): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const tmp = mkdtempSync(join(tmpdir(), 'asl-bench-parked-'));
  const svc = createService({ db: join(tmp, 'parked.db'), functionCodeDir: join(tmp, 'fv') });
  try {
    const parkedArn = await machine(svc, 'parked', { Park: { Type: 'Wait', Seconds: waitSeconds, Next: 'Done' }, Done: { Type: 'Succeed' } });
    const quickArn = await machine(svc, 'quick', { Step: { Type: 'Pass', Next: 'Done' }, Done: { Type: 'Succeed' } });
    // Warm the code paths (and the statement caches) before the baselines.
    await burst(svc, parkedArn, 'warm', 50);
    const cold = await settle();
    await burst(svc, quickArn, 'q', n);
    const before = await settle();
    const startSeconds = await burst(svc, parkedArn, 'p', n);
    const after = await settle();
    const running = (await svc.call('ListExecutions', { stateMachineArn: parkedArn, statusFilter: 'RUNNING', maxResults: 1 })) as { executions: unknown[] };
    const counts = runnerCounts(svc);
    const per = (a: number, b: number): number => Math.round((b - a) / n);
    process.stdout.write(`PARKED ${JSON.stringify({
      ok: running.executions.length === 1, n, startSeconds, startsPerSec: n / startSeconds,
      rssDeltaMb: (after.rss - before.rss) / 2 ** 20, bytesPerExecutionRss: per(before.rss, after.rss),
      bytesPerExecutionHeap: per(before.heap, after.heap), bytesPerExecutionHeapCommitted: per(before.heapCommitted, after.heapCommitted),
      // V8's new space is empty after a full gc, but its committed size (1–32 MB) follows the recent allocation rate
      // and shrinks only when V8's memory reducer runs (~100 s after a burst): a run whose RSS delta is far from the
      // heap delta usually shows it here. Compare medians of several runs.
      bytesPerExecutionNewSpace: per(before.newSpace, after.newSpace),
      coldBytesPerExecutionRss: per(cold.rss, after.rss), coldBytesPerExecutionHeap: per(cold.heap, after.heap),
      coldBytesPerExecutionNewSpace: per(cold.newSpace, after.newSpace),
      ...counts, peakRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`);
  } finally {
    await svc.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 10000), Number(process.argv[3] ?? 3600)).then(() => process.exit(0), (e: unknown) => {
  process.stdout.write(`PARKED ${JSON.stringify({ ok: false, error: String((e as Error)?.stack ?? e).slice(0, 800) })}\n`);
  process.exit(0);
});
