/** Runs N executions with C concurrent drivers and measures throughput, per-execution latency and correctness. */
import { checkOutput, type Expectation } from './workloads.js';

/** Runs one execution to its end and returns its output (parsed JSON); throws if it did not succeed. */
export type RunOne = (i: number) => Promise<unknown>;

export interface DriveResult {
  executions: number;
  seconds: number;
  latenciesMs: number[];
  wrong: number;
  failed: number;
  firstProblem?: string;
}

export async function drive(runOne: RunOne, executions: number, concurrency: number, expect: Expectation[]): Promise<DriveResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let wrong = 0;
  let failed = 0;
  let firstProblem: string | undefined;
  const t0 = performance.now();
  async function worker(): Promise<void> {
    while (next < executions) {
      const i = next++;
      const s = performance.now();
      try {
        const out = await runOne(i);
        latenciesMs.push(performance.now() - s);
        const bad = checkOutput(out, expect);
        if (bad.length > 0) {
          wrong++;
          firstProblem ??= `wrong output: ${bad.join('; ')}`;
        }
      } catch (e) {
        failed++;
        firstProblem ??= `failed: ${(e as Error).message?.slice(0, 300)}`;
        if (failed >= 3 && failed === i + 1) throw new Error(firstProblem);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, executions) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { executions, seconds, latenciesMs, wrong, failed, ...(firstProblem ? { firstProblem } : {}) };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}
