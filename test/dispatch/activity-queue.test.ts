/** ActivityQueue over a real (in-memory) store: claiming, worker names, outcomes replayed on re-dispatch, timeouts. */
import { afterEach, describe, expect, it } from 'vitest';
import type { DispatchTaskCommand, TaskOutcome } from '../../src/dispatch/types.js';
import type { EngineInput } from '../../src/engine/contract.js';
import type { Runner } from '../../src/runtime/runner.js';
import { ActivityQueue } from '../../src/service/activity-tasks.js';
import { activityRepo } from '../../src/store/activities.js';
import { openStore, type Store } from '../../src/store/index.js';

const ACT = 'arn:aws:states:us-east-1:123456789012:activity:a';
const EXEC = 'arn:aws:states:us-east-1:123456789012:execution:sm:e1';
const stores: Store[] = [];
afterEach(() => { for (const s of stores.splice(0)) s.close(); });

function setup() {
  const store = openStore(':memory:');
  stores.push(store);
  const repo = activityRepo(store.db);
  repo.insert(ACT, 'a', 1);
  const sent: { arn: string; input: EngineInput }[] = [];
  const runner = { sendAndCommit: async (arn: string, input: EngineInput) => { sent.push({ arn, input }); return true; } } as unknown as Runner;
  const clock = { now: () => 1000, setTimer: () => 0, clearTimer: () => undefined } as never;
  const queue = new ActivityQueue({ repo, clock, runner: () => runner });
  return { repo, queue, sent };
}
const cmd = (taskId = 't1'): DispatchTaskCommand => ({ kind: 'DispatchTask', taskId, stateName: 'S', resource: ACT, payload: { job: 1 } });

describe('ActivityQueue', () => {
  it('parks a task, hands it to one worker with its name, and completes it', async () => {
    const { queue, sent } = setup();
    const started: unknown[] = [];
    const call = queue.dispatch(cmd(), new AbortController().signal, { executionArn: EXEC, onStarted: (info) => started.push(info) });
    await Promise.resolve();
    const task = queue.claim(ACT, 'worker-7');
    expect(task).toMatchObject({ input: '{"job":1}', executionArn: EXEC, taskId: 't1', status: 'STARTED' });
    expect(queue.claim(ACT, 'other')).toBeUndefined();
    expect(started).toEqual([{ workerName: 'worker-7' }]);
    await queue.complete(task!.token, { ok: true, output: { r: 2 } });
    expect(await call).toEqual({ ok: true, output: { r: 2 } });
    expect(sent).toEqual([{ arn: EXEC, input: { kind: 'TaskSucceeded', now: 1000, taskId: 't1', output: { r: 2 } } }]);
  });

  it('replays a closed task\'s outcome when the same task is dispatched again (recovery)', async () => {
    const { queue } = setup();
    const ac = new AbortController();
    void queue.dispatch(cmd(), ac.signal, { executionArn: EXEC });
    await Promise.resolve();
    const task = queue.claim(ACT, undefined)!;
    const failure: TaskOutcome = { ok: false, error: 'E', cause: 'c' };
    await queue.complete(task.token, failure);
    expect(await queue.dispatch(cmd(), new AbortController().signal, { executionArn: EXEC })).toEqual(failure);
  });

  it('an aborted task is TIMED_OUT, except while the service shuts down', async () => {
    const { queue, repo } = setup();
    const ac = new AbortController();
    const call = queue.dispatch(cmd('t1'), ac.signal, { executionArn: EXEC });
    await Promise.resolve();
    ac.abort();
    expect(await call).toEqual({ ok: false, error: 'States.Timeout' });
    expect(repo.taskOf(EXEC, 't1')?.status).toBe('TIMED_OUT');
    queue.closing = true;
    const ac2 = new AbortController();
    const call2 = queue.dispatch(cmd('t2'), ac2.signal, { executionArn: EXEC });
    await Promise.resolve();
    ac2.abort();
    await call2;
    expect(repo.taskOf(EXEC, 't2')?.status).toBe('SCHEDULED');
  });

  it('fails a task whose activity is unknown, and wakes one waiting poller per task', async () => {
    const { queue } = setup();
    const ghost = await queue.dispatch({ ...cmd(), resource: `${ACT}x` }, new AbortController().signal, { executionArn: EXEC });
    expect(ghost).toMatchObject({ ok: false, error: 'States.Runtime' });
    const waits = [queue.waitForTask(ACT, 2000), queue.waitForTask(ACT, 150)];
    void queue.dispatch(cmd('t9'), new AbortController().signal, { executionArn: EXEC });
    expect(await Promise.all(waits)).toEqual([true, false]);
  });
});
