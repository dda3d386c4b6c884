/** `asl watch` against a real server: the live view, exit codes, resume after the server restarts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { streamUrl, watchCommand } from '../../src/cli/watch.js';
import { createWatchView, type WireEvent } from '../../src/cli/watch-view.js';
import { compose, startRun, type Composed } from './compose.js';

const run = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Result: { n: 1 }, Next: 'W' },
    W: { Type: 'Wait', Seconds: 1, Next: 'B' },
    B: { Type: 'Pass', Result: { done: true }, End: true },
  },
};

let dir: string;
let srv: Composed;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asl-watch-'));
  srv = await compose(join(dir, 'db.sqlite'));
});
afterAll(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (lines: string[], needle: string) => lines.filter((l) => l.includes(needle)).length;

describe('asl watch', () => {
  it('shows states with durations and the output; exit 0 on success', async () => {
    const { executionArn } = await startRun(srv.url, 'watch-ok', run, { in: 1 });
    const lines: string[] = [];
    const code = await watchCommand([executionArn, '--endpoint', srv.url], (s) => lines.push(s));
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/▶ execution started {2}input \{"in":1\}/);
    for (const s of ['→ A (Pass)', '→ W (Wait)', '→ B (Pass)', '← A', '← B']) expect(count(lines, s)).toBe(1);
    const waited = lines.find((l) => l.includes('← W'))!;
    expect(Number(/← W {2}([\d.]+)s/.exec(waited)?.[1])).toBeGreaterThanOrEqual(0.9);
    expect(lines).toContain('output: {"done":true}');
    expect(lines.at(-1)).toBe('execution SUCCEEDED');
  });

  it('shows the error; exit 1 on failure', async () => {
    const { executionArn } = await startRun(srv.url, 'watch-fail', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'why' } } });
    const lines: string[] = [];
    expect(await watchCommand([executionArn, `--endpoint=${srv.url}`], (s) => lines.push(s))).toBe(1);
    expect(lines).toContain('error: Boom: why');
    expect(lines.at(-1)).toBe('execution FAILED');
  });

  it('--json prints each event once as GetExecutionHistory shows it', async () => {
    const { executionArn } = await startRun(srv.url, 'watch-json', run);
    const lines: string[] = [];
    expect(await watchCommand([executionArn, '--endpoint', srv.url, '--json'], (s) => lines.push(s))).toBe(0);
    const events = lines.map((l) => JSON.parse(l) as WireEvent);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
  });

  it('an unknown execution is an error, exit 1', async () => {
    const lines: string[] = [];
    const code = await watchCommand(['arn:aws:states:us-east-1:123456789012:execution:none:none', '--endpoint', srv.url], (s) => lines.push(s));
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain('Execution Does Not Exist');
  });

  it('resumes after the server restarts, showing every event exactly once', async () => {
    const db = join(dir, 'restart.sqlite');
    let server = await compose(db);
    const port = server.port;
    const { executionArn } = await startRun(server.url, 'watch-restart', { ...run, States: { ...run.States, W: { Type: 'Wait', Seconds: 2, Next: 'B' } } });
    const lines: string[] = [];
    let restarted: Promise<void> | undefined;
    const code = await watchCommand([executionArn, '--endpoint', server.url], (s) => {
      lines.push(s);
      if (s.includes('→ W') && !restarted) {
        restarted = (async () => {
          await server.close();
          server = await compose(db, {}, port);
        })();
      }
    });
    await restarted;
    await server.close();
    expect(code).toBe(0);
    expect(count(lines, 'reconnecting')).toBeGreaterThanOrEqual(1);
    for (const s of ['▶ execution started', '→ A (Pass)', '→ W (Wait)', '← W', '→ B (Pass)', '← B', '✓ SUCCEEDED']) expect(count(lines, s)).toBe(1);
  });

  it('rejects bad command lines', async () => {
    await expect(watchCommand([], () => undefined)).rejects.toThrow(UsageError);
    await expect(watchCommand(['a', 'b'], () => undefined)).rejects.toThrow(UsageError);
    await expect(watchCommand(['a', '--endpoint', 'ftp://x'], () => undefined)).rejects.toThrow(UsageError);
    await expect(watchCommand(['a', '--nope', '1'], () => undefined)).rejects.toThrow(UsageError);
    expect(streamUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/api/ws');
    expect(streamUrl('https://h.example/base/')).toBe('wss://h.example/base/api/ws');
  });
});

describe('watch view', () => {
  const ev = (id: number, prev: number, type: string, t: number, details?: Record<string, unknown>): WireEvent => ({
    id, previousEventId: prev, type, timestamp: t, ...(details ? { [`${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`]: details } : {}),
  });

  it('shows task calls, failures and retries read from the event links', () => {
    const render = createWatchView();
    const lines = [
      ev(1, 0, 'ExecutionStarted', 100, { input: '{}' }),
      { ...ev(2, 0, 'TaskStateEntered', 100), stateEnteredEventDetails: { name: 'T', input: '{}' } },
      { ...ev(3, 2, 'TaskScheduled', 100.01), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', parameters: '{"x":1}' } },
      ev(4, 3, 'TaskStarted', 100.02),
      ev(5, 4, 'TaskFailed', 100.5, { error: 'Err', cause: 'bad' }),
      { ...ev(6, 5, 'TaskScheduled', 101.5), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', parameters: '{"x":1}' } },
      ev(7, 6, 'TaskStarted', 101.6),
      ev(8, 7, 'TaskSucceeded', 101.75, { output: '{"ok":true}' }),
      { ...ev(9, 8, 'TaskStateExited', 101.75), stateExitedEventDetails: { name: 'T', output: '{"ok":true}' } },
      ev(10, 9, 'ExecutionSucceeded', 101.75, { output: '{"ok":true}' }),
    ].flatMap((e) => render(e));
    expect(lines).toEqual([
      '[   0.000s] ▶ execution started  input {}',
      '[   0.000s] → T (Task)',
      '[   0.010s]   ⇢ call lambda:invoke  {"x":1}',
      '[   0.500s]   ✗ TaskFailed Err: bad',
      '[   1.500s]   ↻ retry 1 of T',
      '[   1.500s]   ⇢ call lambda:invoke  {"x":1}',
      '[   1.750s]   ✓ TaskSucceeded  {"ok":true}',
      '[   1.750s] ← T  1.750s  output {"ok":true}',
      '[   1.750s] ✓ SUCCEEDED in 1.750s',
      'output: {"ok":true}',
    ]);
  });
});
