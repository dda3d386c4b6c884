/**
 * A function's execution environments: a pool of RIE endpoints with at most ONE call in flight per endpoint
 * (stock RIE panics on a second concurrent request, aws-lambda-runtime-interface-emulator #97 — Lambda scales by
 * adding environments, never by overlapping calls in one). Calls beyond the free endpoints wait in FIFO order;
 * `maxConcurrency` (Lambda's reserved concurrency) caps calls outstanding, and one more is throttled
 * (`Lambda.TooManyRequestsException`). An endpoint that refuses or resets the connection is taken out of the
 * pool and re-admitted after a backoff that doubles while it keeps failing (fakecloud #1644: evict dead RIEs).
 */
import type { RieClient, RieResult } from './rie-client.js';
import type { CancelSignal } from './cancel-signal.js';

export interface EndpointPoolOptions {
  endpoints: string[];
  /** Calls allowed outstanding (running or waiting for an endpoint); undefined = unlimited. 0 throttles all. */
  maxConcurrency?: number;
  /** Starts one more environment on demand (path-based functions); resolves with its URL. */
  grow?: () => Promise<string>;
  /** Upper bound on the pool size when it grows. */
  maxEndpoints?: number;
  /** First re-admission delay for a dead endpoint (ms, doubled per failure up to 30 s). */
  backoffMs?: number;
}

export type PoolResult = RieResult | { kind: 'throttled' };

const MAX_BACKOFF_MS = 30_000;

/** The pool; stateful edge (one per function version). */
export class EndpointPool {
  private readonly all: string[];
  private readonly free: string[];
  private readonly dead = new Map<string, { backoffMs: number; readmit: boolean }>();
  private readonly waiters: { signal: CancelSignal; resolve: (url: string | undefined) => void }[] = [];
  private growing = 0;
  private outstandingCalls = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: EndpointPoolOptions) {
    this.all = [...o.endpoints];
    this.free = [...o.endpoints];
  }

  /** Calls running or waiting. */
  get outstanding(): number {
    return this.outstandingCalls;
  }

  get endpoints(): readonly string[] {
    return this.all;
  }

  /** Adds an environment (a warm host started ahead of demand). */
  add(url: string): void {
    if (this.all.includes(url)) return;
    this.all.push(url);
    this.handOver(url);
  }

  /** Resolves when no call is outstanding (a replaced version drains, then its environments close). */
  idle(): Promise<void> {
    return this.outstandingCalls === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /** Runs one call on a free endpoint. `onStarted` fires when the request is sent. */
  async invoke(client: RieClient, body: string, signal: CancelSignal, onStarted: () => void, watchdogMs?: number): Promise<PoolResult> {
    if (this.o.maxConcurrency !== undefined && this.outstandingCalls >= this.o.maxConcurrency) return { kind: 'throttled' };
    this.outstandingCalls++;
    try {
      for (let attempt = 0; ; attempt++) {
        const url = await this.acquire(signal);
        if (url === undefined) return { kind: 'network', message: signal.aborted ? 'aborted' : 'no endpoint' };
        const r = await client.invoke(url, body, signal, onStarted, watchdogMs);
        // An abandoned call runs on to its answer (rie-client.ts): its network error is a fault of the endpoint only
        // if the watchdog gave up on it — a hung environment is evicted whether or not anyone still waits.
        const failed = r.kind === 'network' && (r.watchdog === true || !signal.aborted);
        this.release(url, failed);
        // A refused connection never reached the function: safe to try another live endpoint.
        if (failed && r.message === 'ECONNREFUSED' && attempt < this.all.length - 1 && this.live() > 0) continue;
        return r;
      }
    } finally {
      this.outstandingCalls--;
      if (this.outstandingCalls === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private live(): number {
    return this.all.length - this.dead.size;
  }

  private acquire(signal: CancelSignal): Promise<string | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const url = this.take();
    if (url !== undefined) return Promise.resolve(url);
    if (this.o.grow && this.all.length + this.growing < (this.o.maxEndpoints ?? Infinity)) {
      this.growing++;
      void this.o.grow().then((u) => this.add(u), () => {
        // The environment could not start: fail one waiting call rather than leave it hanging.
        this.waiters.shift()?.resolve(undefined);
      }).finally(() => { this.growing--; });
    }
    return new Promise((resolve) => {
      const w = { signal, resolve };
      this.waiters.push(w);
      signal.addEventListener('abort', () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      }, { once: true });
    });
  }

  /** A free endpoint that is alive (or re-admitted); when every endpoint is dead and idle, probe one anyway. */
  private take(): string | undefined {
    const i = this.free.findIndex((u) => !this.dead.has(u) || this.dead.get(u)!.readmit);
    if (i >= 0) return this.free.splice(i, 1)[0];
    if (this.free.length > 0 && this.free.length === this.all.length) return this.free.shift();
    return undefined;
  }

  private release(url: string, failed: boolean): void {
    if (failed) {
      const prev = this.dead.get(url);
      const backoffMs = prev ? Math.min(prev.backoffMs * 2, MAX_BACKOFF_MS) : (this.o.backoffMs ?? 1000);
      const entry = { backoffMs, readmit: false };
      this.dead.set(url, entry);
      setTimeout(() => {
        if (this.dead.get(url) !== entry) return;
        entry.readmit = true;
        const i = this.free.indexOf(url);
        if (i >= 0) {
          this.free.splice(i, 1);
          this.handOver(url);
        }
      }, backoffMs).unref();
    } else {
      this.dead.delete(url);
    }
    this.handOver(url);
  }

  private handOver(url: string): void {
    if (this.free.includes(url)) return;
    const usable = !this.dead.has(url) || this.dead.get(url)!.readmit;
    const w = usable ? this.waiters.shift() : undefined;
    if (w) w.resolve(url);
    else this.free.push(url);
    // Every endpoint dead and idle, yet calls waiting: probe one rather than wait out the backoff.
    if (!usable && this.waiters.length > 0 && this.free.length === this.all.length) this.waiters.shift()!.resolve(this.free.shift());
  }
}
