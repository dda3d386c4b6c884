/**
 * The environments behind each function version. RIE endpoints form a fixed pool; a path-based function gets
 * built-in hosts through the injected FunctionRuntime port (main.ts fills it with `startFunctionPool`), started
 * on demand (or `warm` ones ahead of time) up to its concurrency. Each $LATEST revision and each published version
 * has its own pool: a call keeps the pool it started on, new calls get the newest, and a replaced pool drains
 * (its outstanding calls finish) before its hosts close — Lambda's rollover on a code update.
 */
import { EndpointPool } from '../dispatch/endpoint-pool.js';
import type { FunctionTarget } from '../dispatch/types.js';
import type { FunctionConfig, FunctionRuntimeName } from './function-config.js';

/** What the built-in host needs to run one function version. */
export interface FunctionRuntimeSpec {
  functionName: string;
  dir: string;
  runtime: FunctionRuntimeName;
  handler: string;
  timeoutSeconds?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  /** AWS_LAMBDA_FUNCTION_VERSION: `$LATEST` or the published version number. */
  version: string;
  concurrency: number;
}

/** The port to the built-in function host (src/functions), injected by main.ts. */
export interface FunctionRuntime {
  start(spec: FunctionRuntimeSpec): Promise<{ invokeUrls: string[]; close(): Promise<void> }>;
  /** Lambda's configuration checks of the host (returns a message when the spec is invalid). */
  validate?(spec: FunctionRuntimeSpec): string | undefined;
}

/** Default upper bound on a path-based function's environments when it sets no maxConcurrency. */
const DEFAULT_MAX_ENVIRONMENTS = 10;

interface Entry {
  name: string;
  pool: EndpointPool;
  closers: (() => Promise<void>)[];
  timeoutSeconds?: number;
  /** The code folder its environments run (a snapshot), kept while the pool lives or drains. */
  dir?: string;
}

/** How to build a pool the first time its key is used. */
export interface PoolSource {
  cfg: FunctionConfig;
}

/** Pools by key (`name@revision` for $LATEST, `name#N` for versions); stateful edge. */
export class FunctionPools {
  private readonly pools = new Map<string, Entry>();
  private readonly current = new Map<string, string>();
  private readonly draining = new Set<Entry>();

  /** `onClosed(name)` runs after a retired pool of `name` has closed (its code snapshot may then be collected). */
  constructor(
    private readonly runtime: FunctionRuntime | undefined,
    private readonly log?: (line: string) => void,
    private readonly onClosed?: (name: string) => void,
  ) {}

  /** The host spec for a path-based config. */
  static spec(name: string, cfg: FunctionConfig, version: string, concurrency = 1): FunctionRuntimeSpec {
    return {
      functionName: name, dir: cfg.path!, runtime: cfg.runtime!, handler: cfg.handler!, version, concurrency,
      ...(cfg.timeout !== undefined ? { timeoutSeconds: cfg.timeout } : {}),
      ...(cfg.memorySize !== undefined ? { memorySize: cfg.memorySize } : {}),
      ...(cfg.environment !== undefined ? { environment: cfg.environment } : {}),
    };
  }

  /** Whether path-based functions can run here. */
  get canRunCode(): boolean {
    return this.runtime !== undefined;
  }

  validate(spec: FunctionRuntimeSpec): string | undefined {
    return this.runtime?.validate?.(spec);
  }

  /** Code folders that live or draining pools of `name` run. */
  dirsInUse(name: string): Set<string> {
    const dirs = new Set<string>();
    for (const e of [...this.pools.values(), ...this.draining]) if (e.name === name && e.dir) dirs.add(e.dir);
    return dirs;
  }

  /** The target for a version of a function; creates its pool on first use and retires the one it replaces. */
  target(name: string, key: string, version: string, source: () => PoolSource): FunctionTarget {
    let e = this.pools.get(key);
    if (!e) {
      const { cfg } = source();
      e = this.create(name, cfg, version);
      if (cfg.timeout !== undefined) e.timeoutSeconds = cfg.timeout;
      if (cfg.path !== undefined) e.dir = cfg.path;
      this.pools.set(key, e);
    }
    if (version === '$LATEST') {
      const prev = this.current.get(name);
      if (prev !== undefined && prev !== key) this.retire(prev);
      this.current.set(name, key);
    }
    return { version, pool: e.pool, ...(e.timeoutSeconds !== undefined ? { timeoutSeconds: e.timeoutSeconds } : {}) };
  }

  /** Starts `warm` environments of the current revision ahead of the first call. */
  async warm(name: string, key: string, source: PoolSource): Promise<void> {
    const { cfg } = source;
    const t = this.target(name, key, '$LATEST', () => source);
    const n = (cfg.warm ?? 0) - t.pool.endpoints.length;
    if (n <= 0 || !this.runtime || !cfg.path) return;
    const started = await this.runtime.start(FunctionPools.spec(name, cfg, '$LATEST', n));
    this.pools.get(key)?.closers.push(started.close);
    for (const u of started.invokeUrls) t.pool.add(u);
  }

  /** The $LATEST revision was replaced: its pool drains, then closes. */
  replaced(name: string): void {
    const prev = this.current.get(name);
    if (prev !== undefined) this.retire(prev);
    this.current.delete(name);
  }

  /** Retires every pool of a function (it was deleted or re-registered). */
  forget(name: string): void {
    for (const key of [...this.pools.keys()]) if (key.startsWith(`${name}@`) || key.startsWith(`${name}#`)) this.retire(key);
    this.current.delete(name);
  }

  /** Closes every environment at once (shutdown). */
  async close(): Promise<void> {
    const all = [...this.pools.values(), ...this.draining];
    this.pools.clear();
    this.draining.clear();
    await Promise.all(all.flatMap((e) => e.closers.map((c) => c().catch(() => undefined))));
  }

  private create(name: string, cfg: FunctionConfig, version: string): Entry {
    const closers: (() => Promise<void>)[] = [];
    if (cfg.endpoints) {
      return { name, pool: new EndpointPool({ endpoints: cfg.endpoints, ...(cfg.maxConcurrency !== undefined ? { maxConcurrency: cfg.maxConcurrency } : {}) }), closers };
    }
    const runtime = this.runtime;
    const grow = async (): Promise<string> => {
      if (!runtime) throw new Error('no function runtime');
      const started = await runtime.start(FunctionPools.spec(name, cfg, version, 1));
      closers.push(started.close);
      return started.invokeUrls[0]!;
    };
    const pool = new EndpointPool({
      endpoints: [], grow, maxEndpoints: cfg.maxConcurrency ?? DEFAULT_MAX_ENVIRONMENTS,
      ...(cfg.maxConcurrency !== undefined ? { maxConcurrency: cfg.maxConcurrency } : {}),
    });
    return { name, pool, closers };
  }

  /** Drains a pool, then closes its environments (in-flight calls finish on the code they started on). */
  private retire(key: string): void {
    const e = this.pools.get(key);
    if (!e) return;
    this.pools.delete(key);
    this.draining.add(e);
    void e.pool.idle().then(() => Promise.all(e.closers.map((c) => c())))
      .catch((err: unknown) => this.log?.(`functions: closing ${key}: ${String(err)}`))
      .finally(() => {
        if (!this.draining.delete(e)) return; // shut down meanwhile
        this.onClosed?.(e.name);
      });
  }
}
