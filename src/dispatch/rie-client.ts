/**
 * HTTP client for RIE invocation endpoints. Stock RIE panics and exits on a second concurrent request
 * (aws-lambda-runtime-interface-emulator #97), so calls to one endpoint are strictly serialised: at most one
 * in flight, the rest queued in arrival order.
 *
 * An aborted call that is still queued is dropped; one already in flight runs to its answer (or the watchdog),
 * which is then discarded by the caller. That is what Step Functions does — a timed-out or stopped Task does not
 * stop the Lambda invocation — and it keeps the endpoint marked busy for exactly as long as the function really
 * runs, so the next call never lands on an RIE still serving the abandoned one. (It is also cheaper: handing the
 * AbortSignal to http.request cost ~20 µs of CPU per call, measured against the echo endpoint.)
 */
import http from 'node:http';
import type { RieResponse } from './rie-outcome.js';
import type { CancelSignal } from './cancel-signal.js';

export type RieResult =
  | { kind: 'response'; res: RieResponse }
  /** No answer: a socket error (`code`), an aborted call, or (`watchdog`) an endpoint that outlived its deadline. */
  | { kind: 'network'; message: string; watchdog?: boolean };

interface Queued {
  body: string;
  signal: CancelSignal;
  onStarted: () => void;
  watchdogMs: number | undefined;
  resolve: (r: RieResult) => void;
}

/** Request options of an endpoint URL. */
interface Target { hostname: string; port: string; path: string; auth?: string }

/**
 * A response header by lower-case name, from the raw [name, value, …] list: reading `res.headers` builds an
 * object of every header on first use, for the one or two this client looks at. A repeated header's values are
 * joined with ", ", as `res.headers` joins them.
 */
function rawHeader(raw: string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === name.length && k.toLowerCase() === name) value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}

/** The RIE client: one FIFO per endpoint URL. */
export class RieClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly queues = new Map<string, { busy: boolean; items: Queued[] }>();

  /**
   * POSTs `body` to `url` when the endpoint is free; `onStarted` fires as the request is sent. `watchdogMs` bounds
   * the call: a hung container (RIE never answering) must not hold the task forever.
   */
  invoke(url: string, body: string, signal: CancelSignal, onStarted: () => void = () => {}, watchdogMs?: number): Promise<RieResult> {
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

  /**
   * Endpoint URLs parsed once into request options: `new URL` per call showed in the W5 profile, and a URL object
   * handed to http.request is converted to options again on every call.
   */
  private readonly targets = new Map<string, Target | null>();

  private target(url: string): Target | null {
    let t = this.targets.get(url);
    if (t === undefined) {
      try {
        const u = new URL(url);
        // RIE endpoints speak plain HTTP; anything else is refused here rather than thrown by http.request.
        if (u.protocol !== 'http:') throw new Error(u.protocol);
        t = { hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port, path: u.pathname + u.search };
        if (u.username || u.password) t.auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
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
      // The watchdog is one unref'd timer that destroys the request (cheaper than AbortSignal.timeout + any per call).
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const done = (r: RieResult): void => {
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      const req = http.request({
        hostname: target.hostname, port: target.port, path: target.path, auth: target.auth,
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(item.body) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done({ kind: 'network', message: e.message }));
        res.on('end', () => {
          const fnError = rawHeader(res.rawHeaders, 'x-amz-function-error') ?? rawHeader(res.rawHeaders, 'error-type');
          done({
            kind: 'response',
            res: {
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(fnError !== undefined ? { functionError: fnError } : {}),
            },
          });
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (timedOut) done({ kind: 'network', message: 'watchdog timeout', watchdog: true });
        else done({ kind: 'network', message: e.code ?? e.message });
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
      req.end(item.body);
    });
  }
}
