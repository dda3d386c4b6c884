/** The code hash that decides whether a PUT of a path-based function is a new revision. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashDirectory } from '../../src/service/code-hash.js';

const root = mkdtempSync(join(tmpdir(), 'asl-hash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe('hashDirectory', () => {
  it('depends on every path and byte, not on where the folder is', () => {
    const a = tree('a', { 'index.mjs': 'x', 'lib/u.js': 'y' });
    const b = tree('b', { 'index.mjs': 'x', 'lib/u.js': 'y' });
    expect(hashDirectory(a)).toBe(hashDirectory(b));
    expect(hashDirectory(tree('c', { 'index.mjs': 'x', 'lib/u.js': 'z' }))).not.toBe(hashDirectory(a));
    expect(hashDirectory(tree('d', { 'index.mjs': 'x', 'lib/v.js': 'y' }))).not.toBe(hashDirectory(a));
    expect(hashDirectory(a)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('hashes links as links, so a link to a parent folder does not loop', () => {
    const dir = tree('loop', { 'index.mjs': 'x' });
    symlinkSync('..', join(dir, 'up'));
    const h1 = hashDirectory(dir);
    rmSync(join(dir, 'up'));
    symlinkSync('.', join(dir, 'up'));
    expect(hashDirectory(dir)).not.toBe(h1);
  });
});
