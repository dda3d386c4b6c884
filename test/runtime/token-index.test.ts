/** The open-token index: lookups both ways, and dropping a task's or an execution's tokens without a scan. */
import { describe, expect, it } from 'vitest';
import type { LiveExecution } from '../../src/runtime/live-execution.js';
import { TokenIndex } from '../../src/runtime/token-index.js';

const live = (arn: string) => ({ arn, id: 1, persist: true, program: null, state: undefined, mailbox: [], commitWaiters: [], doneWaiters: [] }) as LiveExecution;

describe('TokenIndex', () => {
  it('finds a token until its task is answered, cancelled or its execution released', () => {
    const idx = new TokenIndex();
    const a = live('arn:a');
    const b = live('arn:b');
    idx.add(a, 't1', 'tok-a1');
    idx.add(a, 't2', 'tok-a2');
    idx.add(b, 't1', 'tok-b1');
    expect(idx.get('tok-a2')).toEqual({ arn: 'arn:a', taskId: 't2' });
    idx.forget('tok-a1', a);
    expect([idx.get('tok-a1'), a.tokens?.has('t1')]).toEqual([undefined, false]);
    idx.dropTask(b, 't1');
    expect(idx.get('tok-b1')).toBeUndefined();
    idx.add(a, 't3', 'tok-a3');
    idx.dropAll(a);
    expect([idx.get('tok-a2'), idx.get('tok-a3'), a.tokens]).toEqual([undefined, undefined, undefined]);
  });

  it('a task given a new token invalidates its old one', () => {
    const idx = new TokenIndex();
    const a = live('arn:a');
    idx.add(a, 't1', 'old');
    idx.add(a, 't1', 'new');
    expect([idx.get('old'), idx.get('new')]).toEqual([undefined, { arn: 'arn:a', taskId: 't1' }]);
  });
});
