/** Workload folders (manifest.json + wN-*.asl.json + wN-*.input.json) and the output checks of their manifest. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Expectation { path: string; equals: unknown }
export interface Workload {
  id: string;
  title: string;
  definition: Record<string, unknown>;
  definitionText: string;
  input: unknown;
  inputText: string;
  transitionsPerExecution: number;
  executions: number;
  concurrency: number[];
  taskEndpoint: boolean;
  expect: Expectation[];
}

interface ManifestEntry {
  id: string; title: string; definition: string; input: string; transitionsPerExecution: number;
  executions: number; concurrency?: number[]; taskEndpoint?: boolean; expect?: Expectation[];
}

export function loadWorkloads(dir: string): Workload[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { workloads: ManifestEntry[] };
  return manifest.workloads.map((w) => {
    const definitionText = readFileSync(join(dir, w.definition), 'utf8');
    const inputText = readFileSync(join(dir, w.input), 'utf8').trim();
    return {
      id: w.id, title: w.title, definitionText, inputText,
      definition: JSON.parse(definitionText) as Record<string, unknown>,
      input: JSON.parse(inputText) as unknown,
      transitionsPerExecution: w.transitionsPerExecution, executions: w.executions,
      concurrency: w.concurrency ?? [1], taskEndpoint: w.taskEndpoint === true, expect: w.expect ?? [],
    };
  });
}

/** Reads a simple path (`$`, `.name`, `[n]`; `.length` of an array is its length) from a value. */
export function readPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`expect path must start with $: ${path}`);
  let cur: unknown = value;
  for (const m of path.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = m[1] ?? Number(m[2]);
    if (Array.isArray(cur) && key === 'length') cur = cur.length;
    else cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** The failed checks of one execution output (empty = correct). */
export function checkOutput(output: unknown, expect: Expectation[]): string[] {
  return expect
    .filter((e) => JSON.stringify(readPath(output, e.path)) !== JSON.stringify(e.equals))
    .map((e) => `${e.path}: expected ${JSON.stringify(e.equals)}, got ${JSON.stringify(readPath(output, e.path))?.slice(0, 80)}`);
}

/** Every Task state name in a definition, nested ones included (the peer's local handlers are keyed by state name). */
export function taskStateNames(def: unknown, out: string[] = []): string[] {
  if (def === null || typeof def !== 'object') return out;
  const states = (def as { States?: Record<string, Record<string, unknown>> }).States;
  for (const [name, s] of Object.entries(states ?? {})) {
    if (s['Type'] === 'Task') out.push(name);
    for (const b of (s['Branches'] as unknown[] | undefined) ?? []) taskStateNames(b, out);
    taskStateNames(s['ItemProcessor'] ?? s['Iterator'], out);
  }
  return out;
}
