/** The runner over a real SQLite store, with a fake clock and the fake engine at the engine port. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DispatchTaskCommand, TaskDispatcher, TaskOutcome } from '../../src/dispatch/types.js';
import { fakeClock } from '../../src/runtime/clock.js';
import type { EnginePort } from '../../src/runtime/engine-port.js';
import { Runner, type StartRequest } from '../../src/runtime/runner.js';
import { openStore, type Store } from '../../src/store/index.js';
import { fakeEngine } from './fake-engine.js';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup(dispatcher?: TaskDispatcher, store = openStore(':memory:')) {
  stores.push(store);
  const clock = fakeClock();
  const calls: DispatchTaskCommand[] = [];
  const pending: ((o: TaskOutcome) => void)[] = [];
  const d: TaskDispatcher = dispatcher ?? {
    dispatch: (cmd, _signal, hooks) => {
      calls.push(cmd);
      hooks?.onStarted?.();
      return new Promise((resolve) => pending.push(resolve));
    },
  };
  const runner = new Runner({ store, engine: fakeEngine, dispatcher: d, clock });
  return { store, clock, runner, calls, pending };
}

function request(name: string, ops: string[], now: number): StartRequest {
  const arn = `arn:aws:states:us-east-1:123456789012:execution:sm:${name}`;
  return {
    persist: true,
    program: fakeEngine.compile(JSON.stringify({ ops })),
    row: { arn, smArn: 'arn:sm', name, revisionId: 'r1', versionArn: null, aliasArn: null, status: 'RUNNING', input: '{}', startMs: now, traceHeader: null, seed: 1 },
    start: { kind: 'Start', now, input: { n: name }, meta: {} as never, seed: 1 },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const types = (store: Store, arn: string) => {
  const row = store.executions.get(arn)!;
  return store.executions.history(row.id, { limit: 1000 }).map((e) => e.type);
};

describe('runner', () => {
  it('acknowledges a start only once ExecutionStarted is committed', async () => {
    const { store, clock, runner } = setup();
    const h = runner.start(request('a', ['wait'], clock.now()));
    expect(store.executions.get(h.live.arn)).toBeUndefined();
    await h.committed;
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted']);
    expect(store.executions.timers(h.live.id)).toEqual([{ timerId: 'w0', fireAt: clock.now() + 1000 }]);
  });

  it('commits the steps of many executions in one transaction', async () => {
    const { store, clock, runner } = setup();
    let transactions = 0;
    const inner = store.transaction;
    (store as { transaction: Store['transaction'] }).transaction = (fn) => {
      transactions++;
      return inner(fn);
    };
    const handles = Array.from({ length: 50 }, (_, i) => runner.start(request(`g${i}`, [], clock.now())));
    const results = await Promise.all(handles.map((h) => h.done));
    expect(results.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(transactions).toBe(1);
  });

  it('fires timers from the injected clock and clears them from the store', async () => {
    const { store, clock, runner } = setup();
    const h = runner.start(request('w', ['wait', 'wait'], clock.now()));
    await h.committed;
    clock.advance(1000);
    await tick();
    clock.advance(1000);
    const result = await h.done;
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"n":"w"}' });
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TimerFired', 'TimerFired', 'ExecutionSucceeded']);
    expect(store.executions.timers(h.live.id)).toEqual([]);
  });

  it('dispatches a task only after the step that scheduled it is committed', async () => {
    const { store, clock } = setup();
    const seen: number[] = [];
    let arnSeen = '';
    const d: TaskDispatcher = {
      dispatch: async (cmd) => {
        const row = store.executions.get(arnSeen)!;
        seen.push(store.executions.outbox(row.id).filter((o) => o.taskId === cmd.taskId).length);
        return { ok: true, output: { done: cmd.taskId } };
      },
    };
    const runner = new Runner({ store, engine: fakeEngine, dispatcher: d, clock });
    const req = request('t', ['task'], clock.now());
    arnSeen = req.row.arn;
    const result = await runner.start(req).done;
    expect(seen).toEqual([1]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"done":"t0"}' });
    expect(store.executions.outbox(store.executions.get(arnSeen)!.id)).toEqual([]);
  });

  it('resumes after a restart: re-arms timers and re-dispatches unacknowledged tasks exactly once started', async () => {
    const first = setup();
    const h = first.runner.start(request('r', ['wait', 'task'], first.clock.now()));
    await h.committed;
    first.clock.advance(1000);
    await tick();
    await tick();
    expect(first.calls.map((c) => c.taskId)).toEqual(['t1']);
    first.runner.close(); // the "crash": in-flight call abandoned, nothing more is written

    const { store, clock, runner, calls, pending } = setup(undefined, first.store);
    stores.pop();
    const row = store.executions.running()[0]!;
    runner.resume(row, fakeEngine.compile(JSON.stringify({ ops: ['wait', 'task'] })));
    const done = runner.waitFor(row.arn)!;
    expect(calls.map((c) => c.taskId)).toEqual(['t1']);
    pending[0]!({ ok: true, output: 'x' });
    expect((await done).status).toBe('SUCCEEDED');
    expect(clock.pending()).toBe(0);
    const events = store.executions.history(row.id, { limit: 100 });
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'TimerFired', 'TaskStarted', 'TaskSucceeded', 'ExecutionSucceeded']);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(store.executions.journal(row.id).map((j) => (JSON.parse(j) as { kind: string }).kind))
      .toEqual(['Start', 'TimerFired', 'TaskStarted', 'TaskSucceeded']);
  });

  it('rebuilds the state from its last snapshot plus the journal after it, on resume and on unpark', async () => {
    const ops = Array.from({ length: 40 }, () => 'wait');
    const first = setup();
    const h = first.runner.start(request('snap', ops, first.clock.now()));
    await h.committed;
    for (let i = 0; i < 35; i++) {
      first.clock.advance(1000);
      await vi.waitFor(() => expect(first.store.executions.journal(h.live.id)).toHaveLength(i + 2));
    }
    // 36 commits: snapshots at the first and the 32nd after it; the last 3 inputs are only in the journal.
    const stored = first.store.executions.byId(h.live.id)!;
    expect([stored.journalLen, first.store.executions.journal(stored.id).length]).toEqual([33, 36]);
    expect((JSON.parse(stored.state!) as { nextEventId: number }).nextEventId).toBe(34);
    first.runner.close();

    const { store, clock, runner } = setup(undefined, first.store);
    stores.pop();
    runner.resume(store.executions.running()[0]!, fakeEngine.compile(JSON.stringify({ ops })));
    const live = runner.get(h.live.arn)!;
    clock.advance(first.clock.now() + 1000 - clock.now()); // the 36th timer: the state is rebuilt first (snapshot + 3 inputs)
    await vi.waitFor(() => expect(store.executions.journal(live.id)).toHaveLength(37));
    // Park (idle > 1 s) and reload again before the remaining timers.
    await new Promise((r) => setTimeout(r, 1300));
    expect(live.parked).toBe(true);
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      await tick();
    }
    const result = await runner.waitFor(h.live.arn) ?? { status: store.executions.byId(live.id)!.status };
    expect(result.status).toBe('SUCCEEDED');
    const events = store.executions.history(live.id, { limit: 100 });
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', ...ops.map(() => 'TimerFired'), 'ExecutionSucceeded']);
    expect(store.executions.byId(live.id)!.journalLen).toBe(41); // the final state is a snapshot of everything
  });

  it('re-arms a stored timer on resume and fires it at its original time', async () => {
    const first = setup();
    const h = first.runner.start(request('z', ['wait'], first.clock.now()));
    await h.committed;
    first.runner.close();
    const { store, clock, runner } = setup(undefined, first.store);
    stores.pop();
    const row = store.executions.running()[0]!;
    runner.resume(row, fakeEngine.compile(JSON.stringify({ ops: ['wait'] })));
    const done = runner.waitFor(row.arn)!;
    clock.advance(999);
    await tick();
    expect(store.executions.get(row.arn)!.status).toBe('RUNNING');
    clock.advance(1);
    expect((await done).status).toBe('SUCCEEDED');
  });

  it('stops a waiting execution and disarms its timer', async () => {
    const { store, clock, runner } = setup();
    const h = runner.start(request('s', ['wait'], clock.now()));
    await h.committed;
    expect(await runner.sendAndCommit(h.live.arn, { kind: 'Stop', now: clock.now() })).toBe(true);
    expect((await h.done).status).toBe('ABORTED');
    expect(store.executions.get(h.live.arn)!.status).toBe('ABORTED');
    expect(clock.pending()).toBe(0);
    expect(runner.send(h.live.arn, { kind: 'Stop', now: 1 })).toBe(false);
  });

  it('fails an execution with States.Runtime when the engine throws, instead of leaving it hanging', async () => {
    const { store, clock, runner } = setup();
    const h = runner.start(request('boom', ['wait'], clock.now()));
    await h.committed;
    runner.send(h.live.arn, { kind: 'TaskHeartbeat', now: clock.now(), taskId: 'x' });
    const result = await h.done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
    expect(clock.pending()).toBe(0);
  });

  it('answers callers waiting on a start the engine refuses with FAILED, instead of leaving them hanging', async () => {
    const store = openStore(':memory:');
    stores.push(store);
    const clock = fakeClock();
    const refusing: EnginePort = {
      ...fakeEngine,
      step: async (p, s, i) => {
        if (i.kind === 'Start') throw new Error('refused');
        return fakeEngine.step(p, s, i);
      },
    };
    const runner = new Runner({ store, engine: refusing, dispatcher: { dispatch: () => new Promise(() => undefined) }, clock });
    const failed = { status: 'FAILED', error: 'States.Runtime', cause: 'The execution could not be started' };
    const memory = runner.start({ ...request('refused-in-memory', ['wait'], clock.now()), persist: false });
    const stored = runner.start(request('refused-stored', ['wait'], clock.now()));
    const waiting = runner.waitFor(stored.live.arn);
    expect(await memory.done).toMatchObject(failed);
    expect(await waiting).toMatchObject(failed);
    expect(store.executions.get(stored.live.arn)).toBeUndefined();
    expect(runner.get(stored.live.arn)).toBeUndefined();
  });

  it('publishes each commit\'s events after the commit, in order', async () => {
    const store = openStore(':memory:');
    stores.push(store);
    const clock = fakeClock();
    const seen: string[] = [];
    const runner = new Runner({
      store, engine: fakeEngine, clock, dispatcher: { dispatch: async () => ({ ok: true, output: 1 }) },
      onEvents: (arn, events) => {
        expect(store.executions.historyCount(store.executions.get(arn)!.id)).toBeGreaterThanOrEqual(events.at(-1)!.id);
        seen.push(...events.map((e) => `${e.id}:${e.type}`));
      },
    });
    await runner.start(request('p', ['task'], clock.now())).done;
    expect(seen).toEqual(['1:ExecutionStarted', '2:TaskStarted', '3:TaskSucceeded', '4:ExecutionSucceeded']);
  });

  it('commits TaskStarted with the task result when the result comes first, and alone within a few ms otherwise', async () => {
    const commits: string[][] = [];
    const { store, clock, runner, pending } = setup();
    const spy = new Runner({ store, engine: fakeEngine, clock, dispatcher: { dispatch: (_c, _s, hooks) => {
      hooks?.onStarted?.();
      // Answers a couple of event-loop turns later: a tick scheduled for TaskStarted alone would have run by then.
      return new Promise((r) => setImmediate(() => setImmediate(() => r({ ok: true, output: 1 }))));
    } }, onEvents: (_arn, events) => commits.push(events.map((e) => e.type)) });
    await spy.start(request('fast', ['task'], clock.now())).done;
    expect(commits).toEqual([['ExecutionStarted'], ['TaskStarted', 'TaskSucceeded', 'ExecutionSucceeded']]);
    // A call still running: its TaskStarted is not held back for long.
    const h = runner.start(request('slow', ['task'], clock.now()));
    await h.committed;
    await new Promise((r) => setTimeout(r, 30));
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted']);
    pending[0]!({ ok: true, output: 2 });
    expect((await h.done).status).toBe('SUCCEEDED');
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted', 'TaskSucceeded', 'ExecutionSucceeded']);
  });

  it('drops the state of an execution waiting on a distant timer at once and reloads it when the timer fires', async () => {
    const { store, clock, runner } = setup();
    const h = runner.start(request('parked', ['wait'], clock.now()));
    await h.committed;
    // The fake engine's wait is 1 s: as far away as the park sweep, so nothing is gained by holding the state.
    expect(h.live.parked).toBe(true);
    expect(h.live.state).toBeUndefined();
    clock.advance(1000);
    const result = await h.done;
    expect(result.status).toBe('SUCCEEDED');
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TimerFired', 'ExecutionSucceeded']);
  });

  it('parks an execution waiting on a near timer only at the sweep, a second later, and reloads it when it fires', async () => {
    const { store, clock, runner } = setup();
    const h = runner.start(request('napping', ['nap'], clock.now()));
    await h.committed;
    // 100 ms away: worth keeping the state for now.
    expect(h.live.parked).toBeUndefined();
    expect(h.live.state?.status).toBe('RUNNING');
    await vi.waitFor(() => expect(h.live.parked).toBe(true), { timeout: 3000, interval: 50 });
    expect(h.live.state).toBeUndefined();
    clock.advance(100);
    expect((await h.done).status).toBe('SUCCEEDED');
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TimerFired', 'ExecutionSucceeded']);
  });

  it('parks again an execution reloaded only for an input it then dropped (at once: only its distant timer can wake it)', async () => {
    const { store, clock, runner, pending } = setup();
    const h = runner.start(request('late-again', ['task', 'wait'], clock.now()));
    await h.committed;
    await tick();
    pending[0]!({ ok: true, output: 1 });
    await vi.waitFor(() => expect(h.live.parked).toBe(true));
    // Past the sweep that the start scheduled (the call was in flight then), so only a new one can park it again.
    await new Promise((r) => setTimeout(r, 1100));
    // A second answer for the closed task: the state is reloaded to look at it, the input dropped, nothing committed.
    const reloaded = vi.spyOn(store.executions, 'journalFrom');
    await runner.sendAndCommit(h.live.arn, { kind: 'TaskSucceeded', now: clock.now(), taskId: 't0', output: 'again' });
    expect(reloaded).toHaveBeenCalledTimes(1);
    expect(h.live.parked).toBe(true);
    expect(h.live.state).toBeUndefined();
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted', 'TaskSucceeded']);
    clock.advance(1000);
    expect(await h.done).toMatchObject({ status: 'SUCCEEDED', output: '1' });
  });

  it('keeps the state while a call is in flight, and parks at once when the answer arms a distant timer', async () => {
    const { store, clock, runner, pending } = setup();
    const h = runner.start(request('sweep', ['task', 'wait'], clock.now()));
    await h.committed;
    // Past the sweep the start scheduled: a call in flight keeps the state.
    await new Promise((r) => setTimeout(r, 1200));
    expect(h.live.parked).toBeUndefined();
    expect(h.live.state?.status).toBe('RUNNING');
    pending[0]!({ ok: true, output: 1 });
    await vi.waitFor(() => expect(types(store, h.live.arn)).toContain('TaskSucceeded'));
    // Its timer was armed in the same tick as the task's answer: parked at once as well.
    expect(h.live.parked).toBe(true);
    clock.advance(1000);
    expect((await h.done).status).toBe('SUCCEEDED');
  });

  it('drops a late answer for a task that is already closed', async () => {
    const { store, clock, runner, pending } = setup();
    const h = runner.start(request('late', ['task', 'wait'], clock.now()));
    await h.committed;
    await tick();
    expect(await runner.sendAndCommit(h.live.arn, { kind: 'TaskSucceeded', now: clock.now(), taskId: 't0', output: 'early' })).toBe(true);
    pending[0]!({ ok: true, output: 'late' }); // the call returns after the task was closed: dropped
    await tick();
    clock.advance(1000);
    const result = await h.done;
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '"early"' });
    expect(types(store, h.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted', 'TaskSucceeded', 'TimerFired', 'ExecutionSucceeded']);
  });

  it('keeps in-memory executions out of the store', async () => {
    const { store, clock, runner } = setup();
    const req = { ...request('m', [], clock.now()), persist: false };
    expect((await runner.start(req).done).status).toBe('SUCCEEDED');
    expect(store.executions.get(req.row.arn)).toBeUndefined();
  });

  it('keeps the inputs of a commit that fails (database full) and commits them once writes succeed again', async () => {
    const { store, clock, runner, pending } = setup();
    const a = runner.start(request('full-a', ['task', 'task'], clock.now()));
    await a.committed;
    await vi.waitFor(() => expect(types(store, a.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted']));
    // A real SQLite failure: no page may be added to the database any more (SQLITE_FULL, "database or disk is full").
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`);
    const big = 'x'.repeat(100_000);
    const b = runner.start({ ...request('full-b', ['wait'], clock.now()), start: { kind: 'Start', now: clock.now(), input: { big }, meta: {} as never, seed: 1 } });
    await expect(b.committed).rejects.toThrow(/full/);
    expect(await b.done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    // An answer for a stored execution: its commit fails too, and the caller is told so.
    await expect(runner.sendAndCommit(a.live.arn, { kind: 'TaskSucceeded', now: clock.now(), taskId: 't0', output: big })).rejects.toThrow(/full/);
    pending[0]!({ ok: true, output: 'late' }); // the call's own answer arrives meanwhile: dropped once t0 is closed
    await new Promise((r) => setTimeout(r, 200)); // several retries, all refused
    expect(types(store, a.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted']);
    expect(runner.get(a.live.arn)?.state?.status).toBe('RUNNING');
    store.db.pragma('max_page_count = 1073741823');
    // The next retry commits the kept input: the execution goes on from it, nothing lost or doubled.
    await vi.waitFor(() => expect(pending.length).toBe(2), { timeout: 3000 });
    pending[1]!({ ok: true, output: 'done' });
    const result = await a.done;
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
    expect(types(store, a.live.arn)).toEqual(['ExecutionStarted', 'TaskStarted', 'TaskSucceeded', 'TaskStarted', 'TaskSucceeded', 'ExecutionSucceeded']);
    expect(store.executions.get(b.live.arn)).toBeUndefined();
  });
});
