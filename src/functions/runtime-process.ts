/**
 * One runtime process: our bootstrap (runtimes/node/bootstrap.mjs or runtimes/python/bootstrap.py) started in
 * its own process group, with its stdout/stderr relayed line by line, killed as a group like rapid's Reset.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import type { ExitStatus, FunctionRuntime } from './types.js';

// Resolved at run time so it works from src/functions (tests via tsx/vitest) and dist/functions (built).
const BOOTSTRAPS: Record<FunctionRuntime, string> = {
  nodejs: fileURLToPath(new URL('../../runtimes/node/bootstrap.mjs', import.meta.url)),
  python: fileURLToPath(new URL('../../runtimes/python/bootstrap.py', import.meta.url)),
};

/** LAMBDA_RUNTIME_DIR of a runtime: the folder of its bootstrap. */
export function runtimeDir(runtime: FunctionRuntime): string {
  return dirname(BOOTSTRAPS[runtime]);
}

/** AWS_EXECUTION_ENV for Node (`AWS_Lambda_nodejs20.x`); Python's bootstrap fills in its own version. */
export function executionEnv(runtime: FunctionRuntime): string {
  return runtime === 'nodejs' ? `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x` : 'AWS_Lambda_python3';
}

export interface RuntimeProcess {
  pid: number;
  /** Resolves once, when the process has exited. */
  exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** SIGKILL the whole process group (handlers may have spawned children) and wait for the exit. */
  kill(): Promise<ExitStatus>;
  /** Peak resident memory in MB (VmHWM), or undefined when /proc cannot tell. */
  maxMemoryUsedMb(): number | undefined;
  /** True once stderr showed V8's heap-limit abort (→ Runtime.OutOfMemory instead of Runtime.ExitError). */
  outOfMemory(): boolean;
}

export interface SpawnInput {
  runtime: FunctionRuntime;
  command?: string[];
  memorySize: number;
  cwd: string;
  env: Record<string, string>;
  python: string;
  log: (line: string) => void;
}

function command(i: SpawnInput): [string, string[]] {
  const [custom, ...customArgs] = i.command ?? [];
  if (custom !== undefined) return [custom, customArgs];
  if (i.runtime === 'python') return [i.python, [BOOTSTRAPS.python]];
  // Lambda's Node bootstrap caps the old generation at ~90% of MemorySize; this is the only memory limit we
  // apply (approximate: buffers, stacks and native memory are not counted).
  const oldSpace = Math.floor(i.memorySize * 0.9);
  return [process.execPath, ['--expose-gc', '--max-http-header-size=81920', `--max-old-space-size=${oldSpace}`, BOOTSTRAPS.nodejs]];
}

function relayLines(stream: NodeJS.ReadableStream, log: (line: string) => void, seen: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      seen(line);
      log(line);
    }
  });
  stream.on('end', () => {
    if (partial) log(partial);
    partial = '';
  });
}

/** Starts a runtime process. Spawn failures (no python3) surface as an exit with code 127. */
export function spawnRuntime(i: SpawnInput): RuntimeProcess {
  const [cmd, args] = command(i);
  const child = spawn(cmd, args, { cwd: i.cwd, env: i.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let status: ExitStatus | undefined;
  let oom = false;
  let lastHwm: number | undefined; // VmHWM survives only while the process does: keep the last reading
  const safeLog = (line: string): void => {
    try { i.log(line); } catch { /* a throwing logger must not take the host down */ }
  };
  const seen = (line: string): void => {
    if (line.includes('JavaScript heap out of memory')) oom = true;
  };
  relayLines(child.stdout, safeLog, seen);
  relayLines(child.stderr, safeLog, seen);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', (err) => {
      safeLog(`cannot start runtime '${cmd}': ${err.message}`);
      if (child.pid === undefined) { status = { code: 127, signal: null }; resolve(status); }
    });
    child.once('exit', (code, signal) => {
      status = { code, signal };
      // Let the last stdout/stderr lines through before END/REPORT, but never wait on a grandchild that
      // inherited the pipes (it dies with the process group).
      const done = (): void => resolve({ code, signal });
      const grace = setTimeout(done, 100);
      child.once('close', () => { clearTimeout(grace); done(); });
    });
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    exited,
    hasExited: () => status !== undefined,
    outOfMemory: () => oom,
    async kill() {
      // Also after the leader exited: children it left behind in its group die with the environment.
      if (pid > 0) {
        try { process.kill(-pid, 'SIGKILL'); } catch {
          if (status === undefined) try { child.kill('SIGKILL'); } catch { /* gone */ }
        }
      }
      return exited;
    },
    maxMemoryUsedMb() {
      if (pid <= 0 || status !== undefined) return lastHwm;
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) lastHwm = Math.ceil(Number(m[1]) / 1024);
      } catch { /* not Linux, or just exited */ }
      return lastHwm;
    },
  };
}
