/** Distributed Map features (ItemBatcher, failure thresholds), task credentials, and full-history goldens. */
import { describe, expect, it } from 'vitest';
import { details, drive, loadSample } from './drive.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';

const distributed = (extra: Record<string, unknown>, processor: Record<string, unknown> = { Echo: { Type: 'Pass', End: true } }) => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map', End: true, ...extra,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(processor)[0], States: processor },
    },
  },
}) as StateMachineDefinition;

describe('distributed Map', () => {
  it('ItemBatcher gives each child {BatchInput, Items} with MaxItemsPerBatch items', async () => {
    const r = await drive(distributed({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'tag.$': '$.tag' } }, ItemsPath: '$.xs' }), { tag: 't', xs: [1, 2, 3] });
    expect(JSON.parse(r.state.output!)).toEqual([
      { BatchInput: { tag: 't' }, Items: [1, 2] }, { BatchInput: { tag: 't' }, Items: [3] },
    ]);
    expect(details(r.events.find((e) => e.type === 'MapStateStarted'))).toEqual({ length: 3 });
  });

  it('exceeding ToleratedFailureCount fails with States.ExceedToleratedFailureThreshold and MapRunFailed', async () => {
    const proc = {
      C: { Type: 'Choice', Choices: [{ Variable: '$', NumericGreaterThan: 1, Next: 'F' }], Default: 'P' },
      F: { Type: 'Fail', Error: 'Big' },
      P: { Type: 'Pass', End: true },
    };
    const ok = await drive(distributed({ ToleratedFailureCount: 2, MaxConcurrency: 1 }, proc), [1, 2, 3]);
    expect(ok.state.status).toBe('SUCCEEDED');
    const bad = await drive(distributed({ ToleratedFailureCount: 1, MaxConcurrency: 1 }, proc), [1, 2, 3]);
    expect(bad.state.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(bad.events.map((e) => e.type).slice(-4)).toEqual(['MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    const pct = await drive(distributed({ ToleratedFailurePercentage: 75, MaxConcurrency: 1 }, proc), [1, 2, 3, 4]);
    expect(pct.state.status).toBe('SUCCEEDED');
  });
});

describe('Task Credentials', () => {
  it('shows Credentials.RoleArn as taskCredentials and passes the credentials to the dispatcher', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Credentials: { RoleArn: 'arn:aws:iam::1:role/x' }, End: true } },
    };
    const r = await drive(def, {});
    expect(details(r.events[2])).toMatchObject({ taskCredentials: { roleArn: 'arn:aws:iam::1:role/x' } });
    expect(r.commands.find((c) => c.kind === 'DispatchTask')).toMatchObject({ credentials: { RoleArn: 'arn:aws:iam::1:role/x' } });
  });
});

describe('history goldens', () => {
  it('map-items', async () => {
    const r = await drive(loadSample('map-items'), { currency: 'EUR', orders: [{ amount: 1 }, { amount: 2 }] });
    await expect(JSON.stringify(r.events, null, 1)).toMatchFileSnapshot('./goldens/map-items.history.json');
  });

  it('task-retry-catch', async () => {
    const r = await drive(loadSample('task-retry-catch'), { order: 7 }, { dispatch: (_c, n) => (n === 1 ? { error: 'Busy', cause: 'try later' } : { error: 'Declined' }) });
    await expect(JSON.stringify(r.events, null, 1)).toMatchFileSnapshot('./goldens/task-retry-catch.history.json');
  });

  it('parallel-branches', async () => {
    const r = await drive(loadSample('parallel-branches'), { p: 1 });
    await expect(JSON.stringify(r.events, null, 1)).toMatchFileSnapshot('./goldens/parallel-branches.history.json');
  });
});

describe('failure percentage threshold', () => {
  it('fails once failures exceed ToleratedFailurePercentage', async () => {
    const r = await drive(distributed({ ToleratedFailurePercentage: 50, MaxConcurrency: 1 }, {
      C: { Type: 'Choice', Choices: [{ Variable: '$', NumericGreaterThan: 1, Next: 'F' }], Default: 'P' },
      F: { Type: 'Fail', Error: 'Big' },
      P: { Type: 'Pass', End: true },
    }), [1, 2, 3, 4]);
    expect(r.state.error).toBe('States.ExceedToleratedFailureThreshold');
  });
});

describe('ItemReader', () => {
  it('fails with States.ItemReaderFailed (no S3 behind this service) rather than iterating the wrong items', async () => {
    const r = await drive(distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } } }), [1]);
    expect(r.state.error).toBe('States.ItemReaderFailed');
  });
});
