/** The whole service on an injected fake clock: a year-long Wait completes without sleeping. */
import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../src/runtime/clock.js';
import { createService } from '../../src/service/service.js';

describe('service on a fake clock', () => {
  it('runs a year-long Wait in milliseconds, with history timestamps from the clock', async () => {
    const clock = fakeClock(Date.UTC(2030, 0, 1));
    const svc = createService({ db: ':memory:', clock });
    try {
      const year = 365 * 24 * 3600;
      const definition = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: year, Next: 'D' }, D: { Type: 'Pass', Result: 'late', End: true } } });
      const { stateMachineArn } = (await svc.call('CreateStateMachine', { name: 'yearly', definition, roleArn: 'arn:aws:iam::123456789012:role/r' })) as { stateMachineArn: string };
      const { executionArn } = (await svc.call('StartExecution', { stateMachineArn })) as { executionArn: string };
      const done = svc.waitForExecution(executionArn);
      clock.advance(year * 1000 - 1);
      await new Promise((r) => setTimeout(r, 10));
      expect(await svc.call('DescribeExecution', { executionArn })).toMatchObject({ status: 'RUNNING' });
      clock.advance(1);
      expect(await done).toMatchObject({ status: 'SUCCEEDED', output: '"late"', stopMs: Date.UTC(2031, 0, 1) });
      const { events } = (await svc.call('GetExecutionHistory', { executionArn })) as { events: { type: string; timestamp: number }[] };
      expect(events[0]).toMatchObject({ type: 'ExecutionStarted', timestamp: Date.UTC(2030, 0, 1) });
      expect(events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', timestamp: Date.UTC(2031, 0, 1) });
    } finally {
      await svc.close();
    }
  });
});
