/** Shared helpers for the function-host tests: real hosts, real processes, real HTTP. */
import { fileURLToPath } from 'node:url';
import { startFunctionHost, type FunctionHost, type FunctionHostOptions } from '../../src/functions/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/functions/', import.meta.url));

export function fixture(name: string): string {
  return FIXTURES + name;
}

export interface Reply {
  status: number;
  contentType: string | null;
  functionError: string | null;
  text: string;
  ms: number;
}

/** One call to a host's invoke URL, exactly as a dispatcher (or curl against RIE) makes it. */
export async function invoke(url: string, event: unknown, init: RequestInit = {}): Promise<Reply> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(event), ...init });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    functionError: res.headers.get('x-amz-function-error'),
    text,
    ms: performance.now() - t0,
  };
}

export interface TestHost extends FunctionHost {
  logs: string[];
}

/** Starts a host that records its log lines. */
export async function startTestHost(opts: Omit<FunctionHostOptions, 'log'>): Promise<TestHost> {
  const logs: string[] = [];
  const host = await startFunctionHost({ ...opts, log: (l) => logs.push(l) });
  return Object.assign(host, { logs });
}
