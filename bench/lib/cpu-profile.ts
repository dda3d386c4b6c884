/**
 * In-process CPU profiling of the measured part of a cell (node:inspector), with self time per function mapped
 * back to the TypeScript source through the source maps tsx registers (run node with --enable-source-maps).
 */
import { findSourceMap } from 'node:module';
import { Session } from 'node:inspector';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }
export interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
export interface HotPath { fn: string; where: string; ms: number; pct: number }

export async function profile<T>(work: () => Promise<T>): Promise<{ result: T; profile: Profile }> {
  const s = new Session();
  s.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((res, rej) => s.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  const result = await work();
  const { profile: p } = (await post('Profiler.stop')) as { profile: Profile };
  s.disconnect();
  return { result, profile: p };
}

/** `file:line` in the original source (1-based) where a source map knows it, else in the running code. */
function locate(root: string, url: string, line: number, column: number): string {
  if (!url) return '(native)';
  let file = url;
  let l = line + 1;
  try {
    const entry = findSourceMap(url)?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource) {
      file = entry.originalSource;
      l = (entry.originalLine ?? line) + 1;
    }
  } catch { /* no map: keep the generated position */ }
  if (file.startsWith('file://')) file = fileURLToPath(file);
  return `${file.startsWith(root) ? relative(root, file) : file}:${l}`;
}

/** Self time per function (ms): each sample's time delta is charged to its leaf frame. */
export function selfTimes(p: Profile, root: string): HotPath[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const acc = new Map<string, HotPath>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const d = (p.timeDeltas[i] ?? 0) / 1000;
    total += d;
    const c = n.callFrame;
    const fn = c.functionName || '(anonymous)';
    const where = locate(root, c.url, c.lineNumber, c.columnNumber);
    const k = `${fn}@${where}`;
    const e = acc.get(k) ?? { fn, where, ms: 0, pct: 0 };
    e.ms += d;
    acc.set(k, e);
  });
  return [...acc.values()].sort((a, b) => b.ms - a.ms).map((e) => ({ ...e, pct: (100 * e.ms) / total }));
}
