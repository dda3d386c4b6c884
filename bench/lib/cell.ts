/**
 * One benchmark cell (workload × mode × concurrency) in its own process, so peak RSS is the cell's own and a
 * crash stays in its cell. Usage: node --import tsx bench/lib/cell.ts '<CellSpec JSON>'; prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './children.js';
import { drive, percentile } from './drive.js';
import { rawRoundTrip } from './http-post.js';
import { openMode, type ModeName } from './modes.js';
import { rawInsertRate } from './raw-insert.js';
import { loadWorkloads } from './workloads.js';
import { profile, selfTimes, type HotPath, type Profile } from './cpu-profile.js';

export interface CellSpec {
  dir: string; workload: string; mode: ModeName; executions: number; concurrency: number; root: string;
  /** Which repetition this cell belongs to (ratios are paired within a rep). */
  rep?: number;
  /** Profile the measured executions (and skip the raw-insert / round-trip extras); needs --enable-source-maps. */
  profile?: boolean;
}

export interface CellResult {
  spec: CellSpec;
  ok: boolean;
  error?: string;
  executions?: number;
  seconds?: number;
  transitionsPerSec?: number;
  executionsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  peakRssMb?: number;
  wrong?: number;
  failed?: number;
  problem?: string;
  historyRows?: number;
  historyRowBytes?: number;
  historyRowsPerSec?: number;
  rawInsertRowsPerSec?: number;
  rawInsertBatch?: number;
  commits?: number;
  rowsPerCommit?: number;
  rawSameBatchRowsPerSec?: number;
  rawRoundTripMs?: number;
  rawRoundTripMeanMs?: number;
  hotPaths?: HotPath[];
  profile?: Profile;
}

async function runCell(spec: CellSpec): Promise<CellResult> {
  const workload = loadWorkloads(spec.dir).find((w) => w.id === spec.workload);
  if (!workload) throw new Error(`no workload ${spec.workload} in ${spec.dir}`);
  const tmp = mkdtempSync(join(tmpdir(), `asl-bench-${spec.workload}-${spec.mode}-`));
  let echo: Child | undefined;
  try {
    // One echo endpoint per concurrent driver, as one would run N RIE containers: an RIE endpoint takes one call at a
    // time (our dispatcher queues per endpoint), so c=16 on a single endpoint would measure that queue, not us.
    if (workload.taskEndpoint) echo = await startChild(process.execPath, [join(spec.root, 'bench/lib/echo-server.mjs'), String(spec.concurrency)], spec.root);
    const echoUrls = echo?.url.split(',');
    const mode = await openMode(spec.mode, { workload, tmp, root: spec.root, ...(echoUrls ? { echoUrls } : {}) });
    try {
      // Warm-up, the same for every mode: a fifth of the measured count, at most 200. Short executions (W1/W4 take
      // 0.05-0.5 ms) otherwise measure JIT tiering and the first GCs: with 20, Express W4's first 300 of 1,000
      // executions took 2-4x as long as the rest.
      const warm = Math.max(1, Math.min(200, Math.ceil(spec.executions / 5)));
      await drive(mode.runOne, warm, Math.min(spec.concurrency, warm), workload.expect);
      const before = mode.countHistory?.();
      const commitsBefore = mode.commits?.() ?? 0;
      // The raw keep-alive round trip to the same echo endpoint, in this process, just before the measured run:
      // the effective input of one W5 Task (Parameters: payload + step).
      const rtt = echoUrls && !spec.profile
        ? await rawRoundTrip(echoUrls[0]!, JSON.stringify({ payload: (workload.input as { payload?: unknown }).payload ?? workload.input, step: 0 }), 2000)
        : undefined;
      const measure = () => drive(mode.runOne, spec.executions, spec.concurrency, workload.expect);
      const prof = spec.profile ? await profile(measure) : undefined;
      const r = prof?.result ?? await measure();
      const commits = (mode.commits?.() ?? 0) - commitsBefore;
      const lat = r.latenciesMs.sort((a, b) => a - b);
      const done = r.executions - r.failed;
      const res: CellResult = {
        spec, ok: r.failed === 0 && r.wrong === 0, executions: r.executions, seconds: r.seconds,
        transitionsPerSec: (done * workload.transitionsPerExecution) / r.seconds,
        executionsPerSec: done / r.seconds,
        p50Ms: percentile(lat, 0.5), p99Ms: percentile(lat, 0.99),
        peakRssMb: mode.childPeakRssMb?.() ?? process.resourceUsage().maxRSS / 1024,
        wrong: r.wrong, failed: r.failed, ...(r.firstProblem ? { problem: r.firstProblem } : {}),
        ...(rtt ? { rawRoundTripMs: rtt.p50, rawRoundTripMeanMs: rtt.mean } : {}),
      };
      // Counted through the service's own connection: it holds its database file exclusively until closed.
      const after = mode.countHistory?.();
      await mode.close();
      if (prof) return { ...res, hotPaths: selfTimes(prof.profile, spec.root).slice(0, 40), profile: prof.profile };
      if (before && after) {
        const rows = after.rows - before.rows;
        const rowBytes = rows > 0 ? (after.bytes - before.bytes) / rows : 0;
        const raw = rawInsertRate(tmp, rowBytes);
        // The same rows at our own commit granularity: how much of the gap is commits, how much per-row work.
        const perCommit = commits > 0 ? Math.max(1, Math.round(rows / commits)) : undefined;
        const rawSame = perCommit ? rawInsertRate(tmp, rowBytes, perCommit, 1, 'same-batch') : undefined;
        Object.assign(res, {
          historyRows: rows, historyRowBytes: rowBytes, historyRowsPerSec: rows / r.seconds, rawInsertRowsPerSec: raw.rowsPerSec, rawInsertBatch: raw.batch,
          commits, ...(rawSame ? { rowsPerCommit: rows / commits, rawSameBatchRowsPerSec: rawSame.rowsPerSec } : {}),
        });
      }
      return res;
    } catch (e) {
      await mode.close().catch(() => {});
      throw e;
    }
  } finally {
    await echo?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const spec = JSON.parse(process.argv[2] ?? '{}') as CellSpec;
runCell(spec).then(
  (r) => { process.stdout.write(`CELL ${JSON.stringify(r)}\n`); process.exit(0); },
  (e: unknown) => {
    process.stdout.write(`CELL ${JSON.stringify({ spec, ok: false, error: String((e as Error)?.stack ?? e).slice(0, 800) })}\n`);
    process.exit(0);
  },
);
