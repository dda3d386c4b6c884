/** Aggregates cell results (median over reps) and renders the Markdown report, with the targets of issue 7. */
import type { CellResult } from './cell.js';
import type { ModeName } from './modes.js';

export interface Row {
  workload: string; title: string; concurrency: number; mode: ModeName; reps: number;
  ok: boolean; error?: string; problem?: string;
  transitionsPerSec?: number; executionsPerSec?: number; p50Ms?: number; p99Ms?: number; peakRssMb?: number;
  historyRows?: number; historyRowBytes?: number; historyRowsPerSec?: number; rawInsertRowsPerSec?: number; rawInsertBatch?: number; rowsPerCommit?: number; rawSameBatchRowsPerSec?: number;
  rawRoundTripMs?: number; tasksPerExecution?: number; ratioToPeer?: number;
}

/** bench/lib/parked.ts: `bytesPerExecution*` against a warmed service (after a burst of N quick starts), `cold*` against a fresh one. */
export interface Parked {
  ok: boolean; error?: string; n?: number; bytesPerExecutionRss?: number; bytesPerExecutionHeap?: number;
  coldBytesPerExecutionRss?: number; coldBytesPerExecutionHeap?: number; coldBytesPerExecutionNewSpace?: number;
  /** Held in memory by the runner, of those parked (state dropped), and RUNNING in the store only (evicted). */
  held?: number; parked?: number; evicted?: number; startsPerSec?: number; peakRssMb?: number;
}

const median = (xs: (number | undefined)[]): number | undefined => {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)]!;
};

export function aggregate(cells: CellResult[], titles: Map<string, { title: string; tasks: number }>): Row[] {
  const groups = new Map<string, CellResult[]>();
  for (const c of cells) {
    const k = `${c.spec.workload}|${c.spec.concurrency}|${c.spec.mode}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const rows: Row[] = [];
  for (const g of groups.values()) {
    const s = g[0]!.spec;
    const good = g.filter((c) => !c.error);
    const m = (f: (c: CellResult) => number | undefined) => median(good.map(f));
    const bad = g.find((c) => c.error || !c.ok);
    rows.push({
      workload: s.workload, title: titles.get(s.workload)?.title ?? s.workload, concurrency: s.concurrency, mode: s.mode, reps: g.length,
      ok: !bad, ...(bad?.error ? { error: bad.error } : {}), ...(bad?.problem ? { problem: bad.problem } : {}),
      transitionsPerSec: m((c) => c.transitionsPerSec), executionsPerSec: m((c) => c.executionsPerSec),
      p50Ms: m((c) => c.p50Ms), p99Ms: m((c) => c.p99Ms), peakRssMb: m((c) => c.peakRssMb),
      historyRows: m((c) => c.historyRows), historyRowBytes: m((c) => c.historyRowBytes), historyRowsPerSec: m((c) => c.historyRowsPerSec),
      rawInsertRowsPerSec: m((c) => c.rawInsertRowsPerSec), rawInsertBatch: m((c) => c.rawInsertBatch),
      rowsPerCommit: m((c) => c.rowsPerCommit), rawSameBatchRowsPerSec: m((c) => c.rawSameBatchRowsPerSec),
      rawRoundTripMs: m((c) => c.rawRoundTripMs), tasksPerExecution: titles.get(s.workload)?.tasks ?? 0,
    });
  }
  // Ratios are paired: this mode's rate over the peer's in the same rep (cells run back to back), then the median.
  for (const r of rows) {
    const mine = groups.get(`${r.workload}|${r.concurrency}|${r.mode}`) ?? [];
    const peers = groups.get(`${r.workload}|${r.concurrency}|peer`) ?? [];
    r.ratioToPeer = median(mine.map((c) => {
      const p = peers.find((x) => x.spec.rep === c.spec.rep);
      return p?.ok && c.ok && p.transitionsPerSec && c.transitionsPerSec ? c.transitionsPerSec / p.transitionsPerSec : undefined;
    }));
  }
  return rows;
}

const f = (x: number | undefined, d = 0): string => (x === undefined || Number.isNaN(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const oneLine = (s: string): string => s.split('\n')[0]!.replace(/\|/g, '\\|').slice(0, 160);

const perTask = (r: Row | undefined): number => (r?.p50Ms !== undefined && r.tasksPerExecution ? r.p50Ms / r.tasksPerExecution : NaN);

/** Per-Task overhead of W5-like workloads: p50 latency per execution / Tasks − raw round trip p50, at concurrency 1. */
export function taskOverhead(rows: Row[], mode: ModeName, workload: string): number | undefined {
  const r = rows.find((x) => x.workload === workload && x.mode === mode && x.concurrency === 1);
  const raw = r?.rawRoundTripMs;
  if (!r?.p50Ms || raw === undefined || !r.tasksPerExecution) return undefined;
  return r.p50Ms / r.tasksPerExecution - raw;
}

function target(label: string, value: number | undefined, goal: number, unit: string, higherIsBetter: boolean): string {
  const met = value === undefined ? '—' : (higherIsBetter ? value >= goal : value <= goal) ? 'met' : '**not met**';
  return `| ${label} | ${higherIsBetter ? '≥' : '≤'} ${goal}${unit} | ${value === undefined ? 'not measured' : f(value, 2) + unit} | ${met} |`;
}

export function renderMarkdown(rows: Row[], parked: Parked | undefined, meta: Record<string, string>): string {
  const out: string[] = [];
  out.push(`# Benchmark results (${meta['date']})`, '');
  out.push(Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`).join('\n'), '');
  out.push('## Throughput and latency (median of reps)', '');
  out.push('| workload | c | mode | transitions/s | executions/s | p50 ms | p99 ms | peak RSS MB | × peer | check |');
  out.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const check = r.error ? `ERROR: ${oneLine(r.error)}` : r.ok ? 'ok' : `INVALID: ${oneLine(r.problem ?? '')}`;
    out.push(`| ${r.workload} | ${r.concurrency} | ${r.mode} | ${f(r.transitionsPerSec)} | ${f(r.executionsPerSec, 1)} | ${f(r.p50Ms, 2)} | ${f(r.p99Ms, 2)} | ${f(r.peakRssMb)} | ${r.ratioToPeer === undefined ? '—' : f(r.ratioToPeer, 2) + '×'} | ${check} |`);
  }
  out.push('', '## History persistence vs raw better-sqlite3 batched inserts (durable mode, same run)', '');
  out.push('Raw = plain better-sqlite3 inserts of one row per event, of the average event size, into a table keyed (execution_id, event_id), same pragmas, N rows per transaction: at 100 rows (the storage limit we compare with) and at our own events per commit. Ours counts events (the store keeps up to 256 of a commit in one row, in a compact form: src/store/event-codec.ts); the average event size is that of the events as AWS JSON.', '');
  out.push('| workload | c | history events | bytes/event | events/commit | our events/s | raw rows/s @100 | ours / raw@100 | raw rows/s @ our batch |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => x.mode === 'durable' && x.historyRows !== undefined)) {
    out.push(`| ${r.workload} | ${r.concurrency} | ${f(r.historyRows)} | ${f(r.historyRowBytes)} | ${f(r.rowsPerCommit, 1)} | ${f(r.historyRowsPerSec)} | ${f(r.rawInsertRowsPerSec)} | ${f(100 * (r.historyRowsPerSec ?? NaN) / (r.rawInsertRowsPerSec ?? NaN), 1)}% | ${f(r.rawSameBatchRowsPerSec)} |`);
  }
  const taskWls = [...new Set(rows.filter((r) => (r.tasksPerExecution ?? 0) > 0).map((r) => r.workload))];
  if (taskWls.length > 0) {
    out.push('', '## Per-Task overhead above a raw keep-alive HTTP round trip (c = 1, p50; the round trip measured in the same cell, just before)', '');
    out.push('| workload | raw round trip ms | mode | p50 per Task ms | overhead per Task ms | above the peer per Task ms |');
    out.push('|---|---:|---|---:|---:|---:|');
    for (const w of taskWls) {
      for (const r of rows.filter((x) => x.workload === w && x.concurrency === 1)) {
        out.push(`| ${w} | ${f(r.rawRoundTripMs, 3)} | ${r.mode} | ${f(r.p50Ms === undefined ? undefined : r.p50Ms / r.tasksPerExecution!, 3)} | ${f(taskOverhead(rows, r.mode, w), 3)} | ${f(perTask(r) - perTask(rows.find((x) => x.workload === w && x.mode === 'peer' && x.concurrency === 1)), 3)} |`);
      }
    }
  }
  if (parked) {
    out.push('', '## Parked executions (one-hour Wait, durable, after gc)', '');
    out.push(parked.error ? `ERROR: ${oneLine(parked.error)}` : `${f(parked.n)} executions (with the warm-up's: ${f(parked.evicted)} waiting in the store only, `
      + `${f(parked.held)} held in memory, ${f(parked.parked)} of them parked): `
      + `${f(parked.bytesPerExecutionRss)} B RSS and ${f(parked.bytesPerExecutionHeap)} B JS heap per execution in a warmed service `
      + `(baseline after a burst of ${f(parked.n)} starts that end at once); ${f(parked.coldBytesPerExecutionRss)} B RSS and `
      + `${f(parked.coldBytesPerExecutionHeap)} B heap from a freshly started service (of which V8's young generation `
      + `growing: ${f(parked.coldBytesPerExecutionNewSpace)} B); started at ${f(parked.startsPerSec)}/s; `
      + `peak RSS ${f(parked.peakRssMb)} MB${parked.ok ? '' : ' (INVALID: not all RUNNING)'}`);
  }
  const ratio = (w: string, m: ModeName) => rows.find((r) => r.workload === w && r.mode === m && r.concurrency === 1 && r.ok)?.ratioToPeer;
  // Task workloads wait on HTTP, not on storage: the storage target is judged on the others, worst case.
  const hist = rows.filter((r) => r.mode === 'durable' && !r.tasksPerExecution && r.historyRowsPerSec && r.rawInsertRowsPerSec);
  const histPct = hist.length ? Math.min(...hist.map((r) => (100 * r.historyRowsPerSec!) / r.rawInsertRowsPerSec!)) : undefined;
  out.push('', '## Targets (issue 7)', '', '| target | goal | measured | status |', '|---|---|---|---|');
  for (const w of ['w1', 'w2', 'w3']) out.push(target(`durable ÷ peer transitions/s, ${w.toUpperCase()} (c=1)`, ratio(w, 'durable'), 1.5, '×', true));
  out.push(target('durable ÷ peer transitions/s, W4 (c=1)', ratio('w4', 'durable'), 1, '×', true));
  for (const w of ['w1', 'w2', 'w3', 'w4']) out.push(target(`express ÷ peer transitions/s, ${w.toUpperCase()} (c=1)`, ratio(w, 'express'), 5, '×', true));
  out.push(target('history events/s ÷ raw batched-insert rows/s (worst of the Task-free workloads)', histPct, 50, '%', true));
  out.push(target('W5 overhead per Task above raw HTTP (durable, p50)', taskOverhead(rows, 'durable', 'w5'), 0.15, ' ms', false));
  out.push(target('memory per parked execution (RSS delta / N, warmed service)', parked?.bytesPerExecutionRss, 2048, ' B', false));
  out.push(target('memory per parked execution (RSS delta / N, freshly started service)', parked?.coldBytesPerExecutionRss, 2048, ' B', false));
  out.push(target('memory per parked execution (JS heap + external delta / N, warmed service)', parked?.bytesPerExecutionHeap, 2048, ' B', false));
  out.push(`| 100,000 parked executions in one process | 100,000 | ${parked?.n !== undefined ? f(parked.n) + (parked.ok ? ' ok' : ' failed') : 'not measured'} | ${parked?.ok && (parked.n ?? 0) >= 100_000 ? 'met' : 'run `--parked 100000`'} |`);
  return out.join('\n') + '\n';
}
