/**
 * HTTP client for RIE invocation endpoints. Stock RIE panics and exits on a second concurrent request
 * (aws-lambda-runtime-interface-emulator #97), so calls to one endpoint are strictly serialised: at most one
 * in flight, the rest queued in arrival order.
 */
import http from 'node:http';
import type { RieResponse } from './rie-outcome.js';

export type RieResult =
  | { kind: 'response'; res: RieResponse }
  /** No answer: a socket error (`code`), an aborted call, or (`watchdog`) an endpoint that outlived its deadline. */
  | { kind: 'network'; message: string; watchdog?: boolean };

interface Queued {
  body: string;
  signal: AbortSignal;
  onStarted: () => void;
  watchdogMs: number | undefined;
  resolve: (r: RieResult) => void;
}

/** The RIE client: one FIFO per endpoint URL. */
export class RieClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly queues = new Map<string, { busy: boolean; items: Queued[] }>();

  /**
   * POSTs `body` to `url` when the endpoint is free; `onStarted` fires as the request is sent. `watchdogMs` bounds
   * the call: a hung container (RIE never answering) must not hold the task forever.
   */
  invoke(url: string, body: string, signal: AbortSignal, onStarted: () => void = () => {}, watchdogMs?: number): Promise<RieResult> {
    return new Promise((resolve) => {
      let q = this.queues.get(url);
      if (!q) this.queues.set(url, (q = { busy: false, items: [] }));
      q.items.push({ body, signal, onStarted, watchdogMs, resolve });
      this.pump(url);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private pump(url: string): void {
    const q = this.queues.get(url);
    if (!q || q.busy) return;
    let item: Queued | undefined;
    while ((item = q.items.shift()) && item.signal.aborted) item.resolve({ kind: 'network', message: 'aborted' });
    if (!item) {
      this.queues.delete(url);
      return;
    }
    q.busy = true;
    const current = item;
    void this.post(url, current).then((r) => {
      q.busy = false;
      current.resolve(r);
      this.pump(url);
    });
  }

  /** Endpoint URLs parsed once: `new URL` per call showed in the W5 profile. */
  private readonly targets = new Map<string, URL | null>();

  private target(url: string): URL | null {
    let t = this.targets.get(url);
    if (t === undefined) {
      try {
        t = new URL(url);
      } catch {
        t = null;
      }
      if (this.targets.size > 1024) this.targets.clear();
      this.targets.set(url, t);
    }
    return t;
  }

  private post(url: string, item: Queued): Promise<RieResult> {
    return new Promise((resolve) => {
      const target = this.target(url);
      if (!target) {
        resolve({ kind: 'network', message: `Invalid endpoint URL: ${url}` });
        return;
      }
      const payload = Buffer.from(item.body, 'utf8');
      // The watchdog is one unref'd timer that destroys the request (cheaper than AbortSignal.timeout + any per call).
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const done = (r: RieResult): void => {
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      const req = http.request(target, {
        method: 'POST',
        agent: this.agent,
        signal: item.signal,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done({ kind: 'network', message: e.message }));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
          const fnError = headers['x-amz-function-error'] ?? headers['error-type'];
          done({
            kind: 'response',
            res: {
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers,
              ...(fnError !== undefined ? { functionError: fnError } : {}),
            },
          });
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (timedOut && !item.signal.aborted) done({ kind: 'network', message: 'watchdog timeout', watchdog: true });
        else done({ kind: 'network', message: item.signal.aborted ? 'aborted' : e.code ?? e.message });
      });
      if (item.watchdogMs !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          const err = new Error('watchdog timeout');
          err.name = 'AbortError';
          req.destroy(err);
        }, item.watchdogMs);
        timer.unref();
      }
      item.onStarted();
      req.end(payload);
    });
  }
}
