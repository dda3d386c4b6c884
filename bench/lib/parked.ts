/**
 * Memory per parked execution: N STANDARD executions waiting in a one-hour Wait state in one embedded service
 * (SQLite file). RSS and heap are measured after a full gc before and after starting them; the delta / N is the
 * cost of keeping an execution parked. Usage: node --expose-gc --import tsx bench/lib/parked.ts N; prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src/service/service.js';
import { start } from '../../src/service/executions.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

async function main(n: number): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const tmp = mkdtempSync(join(tmpdir(), 'asl-bench-parked-'));
  const svc = createService({ db: join(tmp, 'parked.db'), functionCodeDir: join(tmp, 'fv') });
  try {
    const definition = JSON.stringify({
      StartAt: 'Park', States: { Park: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const { stateMachineArn } = (await svc.call('CreateStateMachine', { name: 'parked', definition, roleArn: 'arn:aws:iam::123456789012:role/bench' })) as { stateMachineArn: string };
    const input = JSON.stringify({ order: 'order-0001', amount: 125.5 });
    // Warm the code paths (and the statement caches) before the baseline.
    for (let i = 0; i < 50; i++) await start(svc.ctx, { stateMachineArn, input, name: `warm-${i}` }, false);
    const before = await settle();
    const t0 = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n) {
        const i = next++;
        await start(svc.ctx, { stateMachineArn, input, name: `p-${i}` }, false);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const startSeconds = (performance.now() - t0) / 1000;
    const after = await settle();
    const running = (await svc.call('ListExecutions', { stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 })) as { executions: unknown[] };
    process.stdout.write(`PARKED ${JSON.stringify({
      ok: running.executions.length === 1, n, startSeconds, startsPerSec: n / startSeconds,
      rssDeltaMb: (after.rss - before.rss) / 2 ** 20, bytesPerExecutionRss: (after.rss - before.rss) / n,
      bytesPerExecutionHeap: (after.heap - before.heap) / n, peakRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`);
  } finally {
    await svc.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 10000)).then(() => process.exit(0), (e: unknown) => {
  process.stdout.write(`PARKED ${JSON.stringify({ ok: false, error: String((e as Error)?.stack ?? e).slice(0, 800) })}\n`);
  process.exit(0);
});
