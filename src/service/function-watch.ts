/**
 * Code changes in a path-based function's folder become a new revision without a new PUT: the folder is watched
 * (recursively) and, shortly after the last change, the registration is re-applied with its stored configuration —
 * `putFunction` re-hashes the folder and makes a new revision only when the code really changed. As with Lambda, a
 * call in flight keeps the code it started with; calls after the change run the new code.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { ServiceContext } from './context.js';
import { putFunction } from './functions.js';

export interface FunctionWatchOptions {
  log?: (line: string) => void;
  /** Quiet time after the last file event before the code is re-read (an editor saves in bursts). */
  debounceMs?: number;
  /** How often the set of watched folders is reconciled with the registry (functions PUT or deleted later). */
  rescanMs?: number;
}

/** Watches every path-based function's folder; returns a handle that stops watching. */
export function watchFunctionCode(ctx: ServiceContext, opts: FunctionWatchOptions = {}): { close(): void } {
  const debounceMs = opts.debounceMs ?? 300;
  const watched = new Map<string, { path: string; watcher: FSWatcher; timer?: NodeJS.Timeout }>();

  const reload = (name: string): void => {
    const row = ctx.store.functions.row(name);
    const entry = watched.get(name);
    if (!row?.config || !entry) return;
    const config = JSON.parse(row.config) as { path?: string };
    if (config.path !== entry.path) return;
    putFunction(ctx, name, config).then(
      (after) => {
        if (after.revision !== row.revision) opts.log?.(`functions: ${name} code changed, now revision ${after.revision}`);
      },
      (e: Error) => opts.log?.(`functions: ${name} reload failed: ${e.message}`),
    );
  };

  const sync = (): void => {
    const paths = new Map<string, string>();
    for (const row of ctx.store.functions.rows()) {
      const path = row.config ? (JSON.parse(row.config) as { path?: unknown }).path : undefined;
      if (typeof path === 'string') paths.set(row.name, path);
    }
    for (const [name, entry] of watched) {
      if (paths.get(name) !== entry.path) {
        entry.watcher.close();
        clearTimeout(entry.timer);
        watched.delete(name);
      }
    }
    for (const [name, path] of paths) {
      if (watched.has(name)) continue;
      try {
        const watcher = watch(path, { recursive: true }, () => {
          const entry = watched.get(name);
          if (!entry) return;
          clearTimeout(entry.timer);
          entry.timer = setTimeout(() => reload(name), debounceMs);
        });
        // A deleted folder ends its watcher: forget it, so the next rescan watches a re-created folder again.
        watcher.on('error', () => {
          watcher.close();
          if (watched.get(name)?.watcher === watcher) watched.delete(name);
        });
        watched.set(name, { path, watcher });
        // Changes made between the registration and this watch starting would otherwise go unseen.
        reload(name);
      } catch (e) {
        opts.log?.(`functions: cannot watch ${path} for ${name}: ${(e as Error).message}`);
      }
    }
  };

  sync();
  const rescan = setInterval(sync, opts.rescanMs ?? 2000);
  rescan.unref();
  return {
    close() {
      clearInterval(rescan);
      for (const entry of watched.values()) {
        entry.watcher.close();
        clearTimeout(entry.timer);
      }
      watched.clear();
    },
  };
}
