/**
 * Carrying out a committed DispatchTask: the call goes through the TaskDispatcher port, and what comes of it
 * returns to the execution's mailbox as engine inputs — TaskStarted once (never again after a re-dispatch, since
 * the journal already has it), then TaskSucceeded / TaskFailed, or TaskSubmitted for `.waitForTaskToken` tasks,
 * whose token is remembered for SendTaskSuccess / SendTaskFailure.
 */
import type { EngineInput } from '../engine/contract.js';
import { TaskCancel } from '../dispatch/cancel-signal.js';
import type { DispatchTaskCommand, TaskDispatcher } from '../dispatch/types.js';
import type { Clock } from './clock.js';
import type { LiveExecution } from './live-execution.js';

export interface TaskCallDeps {
  dispatcher: TaskDispatcher;
  clock: Clock;
  /** Makes a `.waitForTaskToken` token valid for `taskId` of `live`. */
  addToken: (live: LiveExecution, taskId: string, token: string) => void;
  enqueue: (live: LiveExecution, input: EngineInput) => void;
}

/** Starts the call; a CancelTask (or the execution ending) aborts it through `live.tasks`. */
export function callTask(d: TaskCallDeps, live: LiveExecution, cmd: DispatchTaskCommand): void {
  const ac = new TaskCancel();
  const tasks = (live.tasks ??= new Map());
  tasks.get(cmd.taskId)?.abort();
  tasks.set(cmd.taskId, ac);
  // The token is valid from the moment the call goes out: the function may hand it on before it returns.
  if (cmd.taskToken) d.addToken(live, cmd.taskId, cmd.taskToken);
  let started = live.startedTasks?.has(cmd.taskId) ?? false;
  // An activity worker's name (GetActivityTask workerName) is recorded in ActivityStarted (AWS).
  const onStarted = (info?: { workerName?: string }): void => {
    if (started || ac.signal.aborted) return;
    started = true;
    const workerName = info?.workerName;
    d.enqueue(live, { kind: 'TaskStarted', now: d.clock.now(), taskId: cmd.taskId, ...(workerName !== undefined ? { workerName } : {}) });
  };
  void d.dispatcher.dispatch(cmd, ac.signal, { onStarted, executionArn: live.arn }).then((outcome) => {
    if (ac.signal.aborted || tasks.get(cmd.taskId) !== ac) return;
    tasks.delete(cmd.taskId);
    onStarted();
    const now = d.clock.now();
    const taskId = cmd.taskId;
    if (!outcome.ok) {
      d.enqueue(live, { kind: 'TaskFailed', now, taskId, error: outcome.error, ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}) });
    } else if (cmd.taskToken) {
      d.enqueue(live, { kind: 'TaskSubmitted', now, taskId, output: outcome.output });
    } else {
      // A dispatcher that knows the result's exact text passes it on (AWS records it verbatim).
      const text = 'outputText' in outcome && typeof outcome.outputText === 'string' ? { outputText: outcome.outputText } : {};
      d.enqueue(live, { kind: 'TaskSucceeded', now, taskId, output: outcome.output, ...text });
    }
  }, (e: unknown) => {
    // The port promises never to reject; if one does, the task fails rather than hanging forever.
    if (ac.signal.aborted) return;
    tasks.delete(cmd.taskId);
    d.enqueue(live, { kind: 'TaskFailed', now: d.clock.now(), taskId: cmd.taskId, error: 'States.TaskFailed', cause: String(e) });
  });
}
