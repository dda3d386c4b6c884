/**
 * Real servers for tests. `childServers`: child processes (a test script that prints `PORT n` once listening), for
 * crash tests that SIGKILL them and restart on the same database; all are killed and the temp folder removed
 * after the file's tests. `tempServer`: one in-process `startServer` on a temp database for a file's tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../src/main.js';

const ROOT = resolve(__dirname, '..');

export function childServers(script: string, prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const procs: ChildProcess[] = [];
  afterAll(() => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  /** Starts `script` on database `db`; resolves once it listens. */
  function serve(db: string): Promise<{ proc: ChildProcess; url: string; port: string }> {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, db], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(proc);
    return new Promise((res, rej) => {
      let out = '';
      const timer = setTimeout(() => rej(new Error(`server did not start: ${out}`)), 20_000);
      proc.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res({ proc, url: `http://127.0.0.1:${m[1]}`, port: m[1]! });
        }
      });
      proc.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
      proc.on('exit', (code) => rej(new Error(`server exited ${code}: ${out}`)));
    });
  }
  return { dir, serve };
}

/** A server for the tests of one file or describe block: `get()` once beforeAll has run. */
export function tempServer(prefix: string): { get(): RunningServer; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer({ port: 0, db: join(dir, 'asl.db') });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { get: () => server!, dir };
}
