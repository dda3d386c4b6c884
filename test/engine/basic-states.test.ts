/** Pass / Succeed / Fail / Wait / Choice scenarios over samples/, with AWS-shaped histories (ASL spec, AWS docs). */
import { describe, expect, it } from 'vitest';
import { T0, chain, details, drive, loadSample } from './drive.js';

describe('Pass data flow (InputPath → Parameters → ResultPath → OutputPath)', () => {
  it('runs hello-pass and records the AWS event chain', async () => {
    const r = await drive(loadSample('hello-pass'), { user: { name: 'Ada' }, other: 1 });
    expect(r.state.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.state.output!)).toEqual({ greeting: 'Hello, Ada!', execution: 'run-1' });
    expect(chain(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 0, 'PassStateEntered'], [3, 2, 'PassStateExited'],
      [4, 3, 'PassStateEntered'], [5, 4, 'PassStateExited'], [6, 5, 'ExecutionSucceeded'],
    ]);
    expect(details(r.events[0])).toMatchObject({ input: '{"user":{"name":"Ada"},"other":1}', inputDetails: { truncated: false } });
    expect(details(r.events[2])).toEqual({
      name: 'Greet',
      output: '{"user":{"name":"Ada"},"other":1,"message":{"greeting":"Hello, Ada!","execution":"run-1"}}',
      outputDetails: { truncated: false },
    });
  });

  it('fails with States.Runtime and the AWS state prefix when InputPath matches nothing', async () => {
    const r = await drive(loadSample('hello-pass'), { nobody: true });
    expect(r.state.status).toBe('FAILED');
    expect(r.state.error).toBe('States.Runtime');
    expect(r.state.cause).toMatch(/^An error occurred while executing the state 'Greet' \(entered at the event id #2\)\. Invalid path '\$\.user'/);
    expect(chain(r.events)).toEqual([[1, 0, 'ExecutionStarted'], [2, 0, 'PassStateEntered'], [3, 2, 'ExecutionFailed']]);
  });

  it('fails with States.DataLimitExceeded when a state output exceeds 256 KiB', async () => {
    const def = { StartAt: 'Big', States: { Big: { Type: 'Pass' as const, Parameters: { 'x.$': "States.StringSplit($.s, ',')" }, End: true } } };
    const r = await drive(def, { s: 'é,'.repeat(100_000) });
    expect(r.state.error).toBe('States.DataLimitExceeded');
  });
});

describe('Wait', () => {
  it('arms timers for SecondsPath and TimestampPath and exits when they fire', async () => {
    const until = new Date(T0 + 7_200_000).toISOString();
    const r = await drive(loadSample('wait-then-succeed'), { delay: 3600, until });
    expect(r.state.status).toBe('SUCCEEDED');
    expect(r.state.output).toBe('3600');
    const timers = r.commands.filter((c) => c.kind === 'StartTimer');
    expect(timers.map((c) => c.kind === 'StartTimer' && c.fireAt - T0)).toEqual([3_600_000, 7_200_000]);
    expect(r.now - T0).toBe(7_200_000);
    expect(chain(r.events).map((e) => e[2])).toEqual([
      'ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'WaitStateEntered', 'WaitStateExited',
      'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('rejects a TimestampPath value that is not RFC 3339 with AWS\'s cause', async () => {
    const r = await drive(loadSample('wait-then-succeed'), { delay: 1, until: '2016-12-05 21:29:29Z' });
    expect(r.state.error).toBe('States.Runtime');
    expect(r.state.cause).toContain('The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.until == 2016-12-05 21:29:29Z');
  });

  it('rejects a SecondsPath that references nothing', async () => {
    const r = await drive(loadSample('wait-then-succeed'), { until: 'x' });
    expect(r.state.cause).toContain('The SecondsPath parameter does not reference an input value: $.delay');
  });

  it('StopExecution during a Wait: ExecutionAborted with previousEventId 0, timers cancelled', async () => {
    const r = await drive(loadSample('wait-then-succeed'), { delay: 10, until: 'x' }, { stopAfter: 2 });
    expect(r.state.status).toBe('ABORTED');
    expect(chain(r.events)).toEqual([[1, 0, 'ExecutionStarted'], [2, 0, 'WaitStateEntered'], [3, 0, 'ExecutionAborted']]);
    expect(details(r.events[2])).toEqual({ error: 'Stopped', cause: 'by test' });
    expect(r.commands.some((c) => c.kind === 'CancelTimer')).toBe(true);
  });
});

describe('Choice and Fail', () => {
  it('loops through Choice until the limit', async () => {
    const r = await drive(loadSample('choice-loop'), { limit: 5 });
    expect(r.state.output).toBe('5');
    expect(r.events.filter((e) => e.type === 'ChoiceStateEntered')).toHaveLength(6);
  });

  it('takes Default and fails with ErrorPath/CausePath (intrinsic)', async () => {
    const r = await drive(loadSample('fail-state'), { quantity: 0, code: 'BadOrder' });
    expect(r.state).toMatchObject({ status: 'FAILED', error: 'BadOrder', cause: 'quantity 0 is not positive' });
    expect(chain(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 0, 'ChoiceStateEntered'], [3, 2, 'ChoiceStateExited'],
      [4, 3, 'FailStateEntered'], [5, 4, 'ExecutionFailed'],
    ]);
  });

  it('fails with States.NoChoiceMatched when no rule matches and there is no Default', async () => {
    const def = {
      StartAt: 'C',
      States: { C: { Type: 'Choice' as const, Choices: [{ Variable: '$.a', IsPresent: true, Next: 'E' }] }, E: { Type: 'Succeed' as const } },
    };
    const r = await drive(def, {});
    expect(r.state.error).toBe('States.NoChoiceMatched');
  });

  it('a Fail state without Error/Cause gives an empty ExecutionFailed', async () => {
    const r = await drive({ StartAt: 'F', States: { F: { Type: 'Fail' } } }, {});
    expect(r.state.status).toBe('FAILED');
    expect(details(r.events[2])).toEqual({});
  });
});

describe('execution TimeoutSeconds', () => {
  it('times the execution out during a long Wait', async () => {
    const r = await drive(loadSample('execution-timeout'), {});
    expect(r.state.status).toBe('TIMED_OUT');
    expect(r.now - T0).toBe(30_000);
    expect(r.events.at(-1)?.type).toBe('ExecutionTimedOut');
    expect(r.commands.some((c) => c.kind === 'CancelTimer')).toBe(true);
  });
});
