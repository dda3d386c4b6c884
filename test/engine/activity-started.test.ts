/** ActivityStarted: activityStartedEventDetails{workerName} when the polling worker named itself, else no details (AWS). */
import { describe, expect, it } from 'vitest';
import { compile, step } from '../../src/engine/index.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';
import { META, T0 } from './drive.js';

const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';
const program = compile({ StartAt: 'A', States: { A: { Type: 'Task', Resource: ACTIVITY, End: true } } } as StateMachineDefinition);

async function started(workerName?: string) {
  const s = await step(program, undefined, { kind: 'Start', now: T0, input: {}, meta: META, seed: 1 });
  const dispatch = s.commands.find((c) => c.kind === 'DispatchTask') as { taskId: string };
  const r = await step(program, s.state, { kind: 'TaskStarted', now: T0, taskId: dispatch.taskId, ...(workerName !== undefined ? { workerName } : {}) });
  return r.events;
}

describe('ActivityStarted', () => {
  it('records the worker name', async () => {
    const events = await started('worker-7');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ActivityStarted', previousEventId: 3, activityStartedEventDetails: { workerName: 'worker-7' } });
  });

  it('has no details without a worker name', async () => {
    const events = await started();
    expect(events[0]!.type).toBe('ActivityStarted');
    expect(events[0]).not.toHaveProperty('activityStartedEventDetails');
  });
});
