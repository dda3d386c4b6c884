/** Step writes in multi-row statements: the same journal, history, outbox and function rows as one row at a time. */
import { describe, expect, it } from 'vitest';
import type { StepWrite } from '../../src/store/index.js';
import { newExecution as execution, tempStores } from './temp-stores.js';

const { open: store } = tempStores('asl-batch-');

function write(id: number, from: number, count: number, extra: Partial<StepWrite> = {}): StepWrite {
  const ids = Array.from({ length: count }, (_, i) => from + i);
  return {
    executionId: id, journal: ids.map((e) => `{"n":${e}}`),
    events: ids.map((e) => ({ id: e, previousEventId: e - 1, type: 'T', timestamp: e, details: { text: `"q"\n${e}` } })),
    state: '{}', status: 'RUNNING', output: null, error: null, cause: null, stopMs: null, outbox: [], timers: [], ...extra,
  };
}

describe('batched step writes', () => {
  it('stores every event and journal entry of a write larger than one statement batch, in order', () => {
    const s = store();
    const id = execution(s, 'big');
    s.transaction(() => s.executions.applyStep(write(id, 1, 150)));
    s.transaction(() => s.executions.applyStep(write(id, 151, 65)));
    const events = s.executions.history(id, { limit: 1000 });
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 215 }, (_, i) => i + 1));
    expect(events[129]).toEqual({ id: 130, previousEventId: 129, type: 'T', timestamp: 130, details: { text: '"q"\n130' } });
    expect(s.executions.journal(id)).toEqual(Array.from({ length: 215 }, (_, i) => `{"n":${i + 1}}`));
    expect(s.executions.byId(id)?.journalLen).toBe(215);
  });

  it('leaves the outbox as the ordered changes would: a task started and finished in one write is gone', () => {
    const s = store();
    const id = execution(s, 'outbox');
    s.transaction(() => s.executions.applyStep(write(id, 1, 1, { outbox: [{ taskId: 'a', command: '{"a":1}' }] })));
    s.transaction(() => s.executions.applyStep(write(id, 2, 1, {
      outbox: [{ taskId: 'a', mark: 1 }, { taskId: 'a', delete: true }, { taskId: 'b', command: '{"b":1}' }, { taskId: 'b', mark: 1 },
        { taskId: 'c', command: '{"c":1}' }, { taskId: 'c', delete: true }, { taskId: 'c', command: '{"c":2}' }],
    })));
    expect(s.executions.outbox(id).sort((x, y) => x.taskId.localeCompare(y.taskId))).toEqual([
      { taskId: 'b', command: '{"b":1}', started: 1 },
      { taskId: 'c', command: '{"c":2}', started: 0 },
    ]);
  });

  it('clears outbox and timers when the execution ends in the write', () => {
    const s = store();
    const id = execution(s, 'ends');
    s.transaction(() => s.executions.applyStep(write(id, 1, 1, { outbox: [{ taskId: 'a', command: '{}' }], timers: [{ timerId: 't', fireAt: 9 }] })));
    s.transaction(() => s.executions.applyStep(write(id, 2, 1, {
      status: 'SUCCEEDED', output: '{}', stopMs: 5, outbox: [{ taskId: 'b', command: '{}' }], timers: [{ timerId: 'u', fireAt: 9 }],
    })));
    expect(s.executions.outbox(id)).toEqual([]);
    expect(s.executions.timers(id)).toEqual([]);
  });

  it('serves function rows from a cache that PUT and DELETE refresh', () => {
    const s = store();
    expect(s.functions.row('f')).toBeUndefined();
    s.functions.put('f', 'http://a', 1);
    expect(s.functions.row('f')).toMatchObject({ endpoint: 'http://a', revision: 1 });
    s.functions.put('f', 'http://b', 2);
    expect(s.functions.row('f')).toMatchObject({ endpoint: 'http://b', revision: 2 });
    expect(s.functions.delete('f')).toBe(true);
    expect(s.functions.row('f')).toBeUndefined();
  });
});
