/**
 * `npm run bench`: our service (durable embedded, Express in memory, over HTTP) against the in-memory peer
 * aws-local-stepfunctions on the same workloads, side by side in one run, reported as ratios (the machine is
 * shared and noisy: reps are interleaved across modes and the median is kept). Each cell runs in its own child
 * process (own peak RSS; a failing cell prints its error and the run goes on). See docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executionsFor, parseBenchArgs } from './lib/args.js';
import type { CellResult, CellSpec } from './lib/cell.js';
import { aggregate, renderMarkdown, type Parked } from './lib/report.js';
import { loadWorkloads, taskStateNames } from './lib/workloads.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `script` under node --expose-gc + tsx and returns the JSON after `tag` on its stdout. */
function child<T>(script: string, args: string[], tag: string, extraNodeArgs: string[] = []): Promise<T> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--expose-gc', ...extraNodeArgs, '--import', 'tsx', join(root, script), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(`${tag} `));
      done(line ? (JSON.parse(line.slice(tag.length + 1)) as T) : ({ ok: false, error: `exit ${code}: ${err.slice(-800) || out.slice(-800)}` } as T));
    });
  });
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const dir = resolve(root, args.workloads);
  const workloads = loadWorkloads(dir).filter((w) => !args.only || args.only.includes(w.id.toLowerCase()));
  if (workloads.length === 0) throw new Error(`no workloads selected from ${dir}`);
  const t0 = Date.now();
  const cells: CellResult[] = [];
  for (let rep = 1; rep <= args.reps; rep++) {
    for (const w of workloads) {
      // --quick keeps only the first concurrency level of each workload (the whole run in about a minute).
      for (const concurrency of args.quick ? w.concurrency.slice(0, 1) : w.concurrency) {
        for (const mode of args.modes) {
          const spec: CellSpec = { dir, workload: w.id, mode, concurrency, root, rep, executions: executionsFor(args, w.executions, w.transitionsPerExecution) };
          const r = await child<CellResult>('bench/lib/cell.ts', [JSON.stringify(spec)], 'CELL');
          r.spec ??= spec;
          cells.push(r);
          const what = r.error ? `ERROR ${r.error.split('\n')[0]}` : `${Math.round(r.transitionsPerSec ?? 0)} transitions/s, p50 ${r.p50Ms?.toFixed(2)} ms${r.ok ? '' : ` INVALID ${r.problem}`}`;
          process.stderr.write(`[rep ${rep}] ${w.id} c=${concurrency} ${mode}: ${what}\n`);
        }
      }
    }
  }
  let parked: Parked | undefined;
  if (!args.noParked && args.modes.includes('durable')) {
    parked = await child<Parked>('bench/lib/parked.ts', [String(args.parked)], 'PARKED', args.parked > 20_000 ? ['--max-old-space-size=4096'] : []);
    process.stderr.write(`parked: ${JSON.stringify(parked)}\n`);
  }
  const titles = new Map(workloads.map((w) => [w.id, { title: w.title, tasks: w.taskEndpoint ? taskStateNames(w.definition).length : 0 }]));
  const rows = aggregate(cells, titles);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const date = new Date().toISOString();
  const meta = {
    date, machine: `${cpus().length} vCPU (nproc), ${cpu}`, node: process.version,
    peer: `aws-local-stepfunctions ${(JSON.parse(readFileSync(join(root, 'node_modules/aws-local-stepfunctions/package.json'), 'utf8')) as { version: string }).version}`,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), workloads: dir, reps: String(args.reps),
    'wall time': `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  };
  const md = renderMarkdown(rows, parked, meta);
  process.stdout.write('\n' + md);
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  writeFileSync(join(outDir, `${stamp}.md`), md);
  writeFileSync(join(outDir, `${stamp}.json`), JSON.stringify({ meta, rows, parked, cells }, null, 2));
  process.stderr.write(`\nwritten: bench/results/${stamp}.md and .json\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
