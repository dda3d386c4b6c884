/**
 * One engine step may return more events and commands than a JavaScript call takes arguments (an inline Map of
 * 60,000 Pass iterations emits ~240,000 events in one step): the runner folds them without spreading.
 */
import { describe, expect, it } from 'vitest';
import { createService } from '../../src/service/service.js';

describe('large steps', () => {
  it('runs an inline Map of 60,000 iterations to the end, Standard (stored) and Express', async () => {
    const svc = createService({ db: ':memory:' });
    try {
      const definition = JSON.stringify({
        StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
      });
      const input = JSON.stringify(Array.from({ length: 60_000 }, (_, i) => i % 10));
      for (const type of ['STANDARD', 'EXPRESS']) {
        const { stateMachineArn } = (await svc.call('CreateStateMachine', {
          name: `big-map-${type}`, definition, type, roleArn: 'arn:aws:iam::123456789012:role/r',
        })) as { stateMachineArn: string };
        if (type === 'EXPRESS') {
          const sync = (await svc.call('StartSyncExecution', { stateMachineArn, input })) as { status: string; output: string };
          expect(sync.status).toBe('SUCCEEDED');
          expect(sync.output).toBe(input);
          continue;
        }
        const { executionArn } = (await svc.call('StartExecution', { stateMachineArn, input })) as { executionArn: string };
        const result = await svc.waitForExecution(executionArn);
        expect(result).toMatchObject({ status: 'SUCCEEDED' });
        expect(result.output).toBe(input);
        const row = svc.ctx.store.executions.get(executionArn)!;
        expect(svc.ctx.store.executions.historyCount(row.id)).toBeGreaterThan(240_000);
      }
    } finally {
      await svc.close();
    }
  }, 60_000);
});
