/**
 * Recovery on boot: every execution the store has as RUNNING is resumed from its committed state. Its timers are
 * re-armed at their original due time (a timer that came due while the process was down fires at once) and its
 * unacknowledged task commands are re-issued with their deterministic ids.
 */
import type { ExecutionRow, Store } from '../store/index.js';
import type { Runner } from './runner.js';

/** Resumes all RUNNING executions; returns how many were resumed. */
export function recoverRunning(
  store: Store,
  runner: Runner,
  programOf: (row: ExecutionRow) => unknown,
  log?: (line: string) => void,
): number {
  let resumed = 0;
  for (const row of store.executions.running()) {
    try {
      runner.resume(row, programOf(row));
      resumed++;
    } catch (e) {
      log?.(`recovery: cannot resume ${row.arn}: ${(e as Error).message}`);
    }
  }
  if (resumed > 0) log?.(`recovery: resumed ${resumed} running execution(s)`);
  return resumed;
}
