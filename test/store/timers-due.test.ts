/** The store's timers by due time (migration 10): keyset pages for the wake-up sweep (runtime/wakeups.ts). */
import { describe, expect, it } from 'vitest';
import { newExecution, tempStores } from './temp-stores.js';

const { open } = tempStores('asl-timers-due-');

describe('timers by due time', () => {
  it('pages through timers due before a bound in (fireAt, execution) order, ties included, each once', () => {
    const s = open();
    const ids = ['a', 'b', 'c', 'd', 'e'].map((n) => newExecution(s, n));
    const at = [500, 100, 100, 100, 900];
    s.transaction(() => ids.forEach((id, i) => s.db.prepare('INSERT INTO timers (execution_id, timer_id, fire_at) VALUES (?, ?, ?)').run(id, 'w', at[i])));
    // A second timer of one execution, and one beyond the bound.
    s.db.prepare('INSERT INTO timers (execution_id, timer_id, fire_at) VALUES (?, ?, ?)').run(ids[1], 'r', 700);
    const seen: string[] = [];
    let cursor = { fireAt: 100, executionId: 0 };
    for (;;) {
      const page = s.executions.timersDue(cursor.fireAt, cursor.executionId, 900, 2);
      seen.push(...page.map((t) => `${t.fireAt}:${t.arn.split(':').at(-1)}`));
      if (page.length < 2) break;
      cursor = page.at(-1)!;
    }
    expect(seen).toEqual(['100:b', '100:c', '100:d', '500:a', '700:b']);
    expect(s.executions.firstTimerFrom(0)).toBe(100);
    expect(s.executions.firstTimerFrom(701)).toBe(900);
    expect(s.executions.firstTimerFrom(901)).toBeUndefined();
  });
});
