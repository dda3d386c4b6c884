/**
 * Routes each DispatchTask to the dispatcher for its resource family: activity ARNs
 * (`arn:aws:states:REGION:ACCOUNT:activity:NAME`) go to the activity queue, everything else to Lambda (which
 * fails resources of other AWS services with States.TaskFailed).
 */
import type { DispatchHooks, DispatchTaskCommand, TaskDispatcher } from './types.js';
import type { CancelSignal } from './cancel-signal.js';

const ACTIVITY = /^arn:[^:]+:states:[^:]*:[^:]*:activity:/;

/** True when a Task resource names an activity. */
export const isActivityResource = (resource: string): boolean => ACTIVITY.test(resource);

/** One dispatcher over the two families. */
export function routeDispatcher(routes: { activity: TaskDispatcher; lambda: TaskDispatcher }): TaskDispatcher {
  return {
    dispatch: (cmd: DispatchTaskCommand, signal: CancelSignal, hooks?: DispatchHooks) =>
      (isActivityResource(cmd.resource) ? routes.activity : routes.lambda).dispatch(cmd, signal, hooks),
  };
}
