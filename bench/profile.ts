/**
 * CPU profile of one mode on some workloads (default: durable on W1-W3): each cell profiles only its measured
 * executions (node:inspector, 200 µs sampling) and maps frames back to the TypeScript source. Prints the top
 * functions by self time as Markdown and keeps the .cpuprofile files in bench/results/profiles/ (open them in
 * Chrome DevTools). Usage: npx tsx bench/profile.ts [--mode durable] [--only w1,w2,w3] [--executions N] [--top 15]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellResult, CellSpec } from './lib/cell.js';
import type { ModeName } from './lib/modes.js';
import { loadWorkloads } from './lib/workloads.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function opt(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
}

const mode = opt('mode', 'durable') as ModeName;
const only = opt('only', 'w1,w2,w3').split(',');
const top = Number(opt('top', '15'));
const dir = resolve(root, opt('workloads', 'bench/workloads'));
const outDir = join(root, 'bench/results/profiles');
mkdirSync(outDir, { recursive: true });
for (const w of loadWorkloads(dir).filter((x) => only.includes(x.id))) {
  const executions = Number(opt('executions', String(w.transitionsPerExecution >= 1000 ? 3 : 300)));
  const spec: CellSpec = { dir, workload: w.id, mode, executions, concurrency: 1, root, profile: true };
  const r = spawnSync(process.execPath, ['--enable-source-maps', '--import', 'tsx', join(root, 'bench/lib/cell.ts'), JSON.stringify(spec)],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('CELL '));
  const cell = line ? (JSON.parse(line.slice(5)) as CellResult) : undefined;
  if (!cell?.hotPaths || !cell.profile) {
    process.stdout.write(`\n### ${mode} ${w.id}: no profile (${cell?.error ?? r.stderr.slice(-400)})\n`);
    continue;
  }
  const file = join(outDir, `${mode}-${w.id}.cpuprofile`);
  writeFileSync(file, JSON.stringify(cell.profile));
  process.stdout.write(`\n### ${mode} ${w.id} — ${executions} executions, ${Math.round(cell.transitionsPerSec ?? 0)} transitions/s under the profiler (${cell.ok ? 'output ok' : 'CHECK FAILED'})\n\n`);
  process.stdout.write('| self ms | self % | function | file:line |\n|---:|---:|---|---|\n');
  for (const e of cell.hotPaths.slice(0, top)) process.stdout.write(`| ${e.ms.toFixed(0)} | ${e.pct.toFixed(1)} | ${e.fn} | ${e.where} |\n`);
}
