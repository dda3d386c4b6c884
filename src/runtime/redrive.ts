/**
 * Whether a stored execution can be redriven, with AWS's reasons (DescribeExecution `redriveStatus` /
 * `redriveStatusReason`, and the ExecutionNotRedrivable error of RedriveExecution use the same verdict).
 * AWS: only Standard executions that FAILED, TIMED_OUT or ABORTED less than 14 days ago can be redriven.
 */
import type { ExecutionState } from '../engine/contract.js';
import { isRedrivable } from '../engine/step.js';
import type { ExecutionRow } from '../store/index.js';

/** AWS: "executions that didn't complete successfully in the last 14 days". */
export const REDRIVE_PERIOD_MS = 14 * 24 * 60 * 60 * 1000;

/** AWS quota: 25,000 events in one execution history; a redrive needs room for more. */
export const HISTORY_EVENT_LIMIT = 25_000;

export type RedriveVerdict = { redrivable: true } | { redrivable: false; reason: string };

/** The verdict for a stored Standard execution at time `now` (`running`: it is live in the runner). */
export function redriveVerdict(row: ExecutionRow, now: number, running = false): RedriveVerdict {
  const status = running ? 'RUNNING' : row.status;
  if (status === 'RUNNING' || status === 'SUCCEEDED') {
    return { redrivable: false, reason: `Execution is ${status} and cannot be redriven` };
  }
  if (row.stopMs !== null && now - row.stopMs > REDRIVE_PERIOD_MS) {
    return { redrivable: false, reason: 'Execution redrivable period exceeded' };
  }
  const state = row.state ? (JSON.parse(row.state) as ExecutionState) : undefined;
  if (state && state.nextEventId > HISTORY_EVENT_LIMIT) {
    return { redrivable: false, reason: 'Execution history event limit exceeded' };
  }
  // Executions closed before this service kept the failed frame (or failed inside the runner) cannot resume.
  if (!state || !isRedrivable(state)) {
    return { redrivable: false, reason: 'Execution was started before the launch of RedriveExecution' };
  }
  return { redrivable: true };
}
