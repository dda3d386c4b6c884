/** TaskCancel: the runner's cancellation of a Task call, with the AbortSignal behaviour the dispatchers rely on. */
import { describe, expect, it } from 'vitest';
import { TaskCancel } from '../../src/dispatch/cancel-signal.js';

describe('TaskCancel', () => {
  it('runs each listener once on abort, none added after it, and reads as aborted from then on', () => {
    const c = new TaskCancel();
    const calls: string[] = [];
    c.signal.addEventListener('abort', () => calls.push('a'));
    c.signal.addEventListener('abort', () => calls.push('b'), { once: true });
    expect(c.signal.aborted).toBe(false);
    c.abort();
    c.abort();
    c.signal.addEventListener('abort', () => calls.push('late'));
    expect(c.signal.aborted).toBe(true);
    expect(calls).toEqual(['a', 'b']);
  });

  it('reports a listener that throws as an uncaught error after running the others, as EventTarget does', async () => {
    const c = new TaskCancel();
    const calls: string[] = [];
    c.signal.addEventListener('abort', () => { throw new Error('listener broke'); });
    c.signal.addEventListener('abort', () => calls.push('after'));
    const uncaught = new Promise<Error>((resolve) => {
      const listeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (e) => {
        for (const l of listeners) process.on('uncaughtException', l);
        resolve(e);
      });
    });
    c.abort();
    expect(calls).toEqual(['after']);
    expect((await uncaught).message).toBe('listener broke');
  });
});
