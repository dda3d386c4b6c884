/**
 * The house rules of ../shared/DESIGN.md, enforced: `asl/` and `engine/` are pure (no node:* imports, no Date,
 * no Math.random, no timers, no process), and imports flow one way between the folders of src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Which top-level folders of src/ each folder may import at run time (util is open to all). */
const MAY_IMPORT: Record<string, string[]> = {
  util: [],
  asl: ['util'],
  engine: ['asl', 'util'],
  store: ['util'],
  dispatch: ['util'],
  functions: ['util'],
  stream: ['store', 'util'],
  runtime: ['engine', 'store', 'dispatch', 'stream', 'asl', 'util'],
  service: ['runtime', 'store', 'asl', 'engine', 'dispatch', 'stream', 'util'],
  api: ['service', 'stream', 'asl', 'triggers', 'util'],
  triggers: ['service', 'asl', 'util'],
  cli: ['service', 'asl', 'functions', 'triggers', 'util', 'main.ts'], // cli/serve starts the wired service from main.ts
};

/** Type-only imports of the shared contracts are allowed anywhere: they vanish at run time. */
const TYPE_CONTRACTS = ['asl/types.ts', 'asl/errors.ts', 'engine/contract.ts'];

const FORBIDDEN_IN_CORE: [RegExp, string][] = [
  [/from\s+['"]node:/, 'imports a node:* module'],
  [/\brequire\s*\(/, 'uses require'],
  [/\bimport\s*\(/, 'uses dynamic import'],
  [/(?<![.\w])Date\b/, 'uses Date (read time from inputs; calendar helpers live in util/time.ts)'],
  [/\bMath\.random\b/, 'uses Math.random (randomness comes from the seeded PRNG in state)'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'uses a timer'],
  [/\bprocess\./, 'reads process'],
];

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const files = walk(SRC);

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('keeps asl/ and engine/ pure', () => {
    const problems: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file);
      if (!rel.startsWith('asl/') && !rel.startsWith('engine/')) continue;
      const code = stripComments(readFileSync(file, 'utf8'));
      for (const [pattern, what] of FORBIDDEN_IN_CORE) if (pattern.test(code)) problems.push(`${rel} ${what}`);
    }
    expect(problems).toEqual([]);
  });

  it('makes imports flow one way between folders', () => {
    const problems: string[] = [];
    const importRe = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;
    for (const file of files) {
      const rel = relative(SRC, file);
      const folder = rel.includes('/') ? rel.split('/')[0]! : undefined;
      if (folder === undefined) continue; // main.ts and index.ts wire everything together
      const allowed = MAY_IMPORT[folder];
      if (!allowed) {
        problems.push(`${rel}: folder '${folder}' is not in DESIGN.md's layout`);
        continue;
      }
      for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
        const target = relative(SRC, resolve(dirname(file), m[3]!)).replace(/\.js$/, '.ts');
        const targetFolder = target.includes('/') ? target.split('/')[0]! : target;
        if (targetFolder === folder) continue;
        if (m[2] && TYPE_CONTRACTS.includes(target)) continue;
        if (!allowed.includes(targetFolder)) problems.push(`${rel} imports ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps folders at most two deep and files kebab-case', () => {
    const bad = files
      .map((f) => relative(SRC, f))
      .filter((rel) => rel.split('/').length > 3 || !/^[a-z0-9-]+(\.d)?\.ts$/.test(rel.split('/').pop()!));
    expect(bad).toEqual([]);
  });
});
