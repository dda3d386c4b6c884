/** Child processes the bench starts (echo function, `asl serve`): spawn, wait for `listening on URL`, stop by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  url: string;
  proc: ChildProcess;
  /** Peak resident set size of the child so far (VmHWM), in MB; undefined where /proc is not available. */
  peakRssMb(): number | undefined;
  stop(): Promise<void>;
}

/** Starts `command args…` and resolves with the URL it prints as `listening on URL` (rejects after 30 s). */
export function startChild(command: string, args: string[], cwd: string): Promise<Child> {
  const proc = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no 'listening on' from ${args.join(' ')} within 30 s\n${err}`)), 30_000);
    function fail(e: Error): void {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(e);
    }
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    proc.once('exit', (code) => fail(new Error(`${args.join(' ')} exited with ${code}\n${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      proc.stdout!.removeAllListeners('data');
      proc.stdout!.resume();
      resolve({
        url: m[1]!,
        proc,
        peakRssMb() {
          try {
            const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
            return kb ? Number(kb[1]) / 1024 : undefined;
          } catch {
            return undefined;
          }
        },
        stop: () => new Promise<void>((done) => {
          if (proc.exitCode !== null) return done();
          const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
          proc.once('exit', () => { clearTimeout(kill); done(); });
          proc.kill('SIGTERM');
        }),
      });
    });
  });
}
