/** The bench CLI's options. */
import { MODE_NAMES, type ModeName } from './modes.js';

export interface BenchArgs {
  workloads: string;
  only?: string[];
  reps: number;
  quick: boolean;
  modes: ModeName[];
  parked: number;
  /** Overrides every workload's execution count (profiling, smoke runs). */
  executions?: number;
  noParked: boolean;
}

export const USAGE = `usage: npm run bench -- [--workloads DIR] [--only w1,w3] [--reps N] [--quick]
                       [--modes durable,express,http,peer] [--parked N | --no-parked] [--executions N]`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { workloads: 'bench/workloads', reps: 1, quick: false, modes: [...MODE_NAMES], parked: 0, noParked: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value\n${USAGE}`);
      return x;
    };
    const int = (): number => {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${k} needs a positive integer\n${USAGE}`);
      return n;
    };
    if (k === '--workloads') a.workloads = v();
    else if (k === '--only') a.only = v().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    else if (k === '--reps') a.reps = int();
    else if (k === '--quick') a.quick = true;
    else if (k === '--parked') a.parked = int();
    else if (k === '--no-parked') a.noParked = true;
    else if (k === '--executions') a.executions = int();
    else if (k === '--modes') {
      const m = v().split(',').map((s) => s.trim());
      const bad = m.filter((x) => !(MODE_NAMES as string[]).includes(x));
      if (bad.length > 0) throw new Error(`unknown mode(s) ${bad.join(', ')}; known: ${MODE_NAMES.join(', ')}`);
      a.modes = m as ModeName[];
    } else if (k === '--help' || k === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${k}\n${USAGE}`);
  }
  if (a.parked === 0) a.parked = a.quick ? 1_000 : 10_000;
  return a;
}

/** Executions per cell: the manifest's count, or a small one under --quick (whole run < 1 min). */
export function executionsFor(a: BenchArgs, manifestCount: number, transitionsPerExecution: number): number {
  if (a.executions) return a.executions;
  if (!a.quick) return manifestCount;
  return transitionsPerExecution >= 1000 ? 1 : Math.min(manifestCount, 100);
}
