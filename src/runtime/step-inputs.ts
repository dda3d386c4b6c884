/**
 * One execution's part of a tick: its queued inputs stepped through the engine in order, folded into the tick's
 * work (live-execution.ts `accumulate`). Inputs the execution can no longer take are dropped here: anything after
 * it ended (but a Redrive), a second answer for a task already closed, a second TaskStarted.
 */
import type { EngineInput } from '../engine/contract.js';
import type { EnginePort } from './engine-port.js';
import { accumulate, engineFailure, newWork, type LiveExecution, type TickWork } from './live-execution.js';

export async function stepInputs(
  live: LiveExecution, inputs: readonly EngineInput[], engine: EnginePort, log?: (line: string) => void,
): Promise<TickWork | undefined> {
  let work: TickWork | undefined;
  for (const input of inputs) {
    const state = work?.state ?? live.state;
    if (state && state.status !== 'RUNNING' && input.kind !== 'Redrive') break;
    if ('taskId' in input && live.closedTasks?.has(input.taskId)) continue;
    if (input.kind === 'TaskStarted' && live.startedTasks?.has(input.taskId)) continue;
    let result;
    try {
      result = await engine.step(live.program, state, input);
    } catch (e) {
      // An engine bug: the execution fails with States.Runtime rather than hang on an input it cannot take.
      log?.(`runner: step of ${live.arn} failed on ${input.kind}: ${(e as Error).stack ?? String(e)}`);
      if (!state) continue;
      result = engineFailure(state, input, e);
    }
    // A refused redrive (nothing to restart) changes nothing: no journal entry, no write.
    if (input.kind === 'Redrive' && result.events.length === 0) continue;
    work ??= newWork(live, result.state, inputs);
    accumulate(work, input, result);
    // Marked now, unmarked again if the commit fails (Runner.commitFailed).
    if (input.kind === 'TaskStarted') {
      (live.startedTasks ??= new Set()).add(input.taskId);
      work.marked.started.push(input.taskId);
    }
    if (input.kind === 'TaskSucceeded' || input.kind === 'TaskFailed') {
      (live.closedTasks ??= new Set()).add(input.taskId);
      work.marked.closed.push(input.taskId);
    }
  }
  return work;
}
