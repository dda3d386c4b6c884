/**
 * Resume across a server crash: a real child process is killed with SIGKILL while executions sit in Wait states,
 * restarted on the same database, and clients reconnect with their last event id. Every remaining event must
 * arrive exactly once and the union must equal GetExecutionHistory.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { childServers } from '../child-servers.js';
import { connect, fullHistory, startRun } from './compose.js';

const servers = childServers('test/stream/server-child.ts', 'asl-stream-restart-');
const dir = servers.dir;
async function serve(db: string) {
  const s = await servers.serve(db);
  return { ...s, wsUrl: `ws://127.0.0.1:${s.port}/api/ws` };
}

const waits = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Result: { step: 'a' }, Next: 'W1' },
    W1: { Type: 'Wait', Seconds: 2, Next: 'B' },
    B: { Type: 'Pass', Result: { step: 'b' }, Next: 'W2' },
    W2: { Type: 'Wait', Seconds: 1, Next: 'C' },
    C: { Type: 'Pass', Result: { step: 'c' }, End: true },
  },
};

it('a client that reconnects after kill -9 and restart receives every remaining event exactly once', async () => {
  const db = join(dir, 'db.sqlite');
  const first = await serve(db);
  const runs = [await startRun(first.url, 'restart-a', waits), await startRun(first.url, 'restart-b', waits)];
  const clients = await Promise.all(runs.map(() => connect(first.wsUrl)));
  runs.forEach((r, i) => clients[i]!.send({ action: 'subscribe', executionArn: r.executionArn, sinceEventId: 0 }));
  // Both executions are now parked in W1 (WaitStateEntered seen).
  await Promise.all(clients.map((c) => c.until(() => c.events().some((e) => e.type === 'WaitStateEntered'))));
  const before = clients.map((c) => c.events());

  first.proc.kill('SIGKILL');
  await Promise.all(clients.map((c) => c.until(() => c.closeCode !== undefined)));

  const second = await serve(db);
  const resumed = await Promise.all(runs.map(() => connect(second.wsUrl)));
  runs.forEach((r, i) => resumed[i]!.send({ action: 'subscribe', executionArn: r.executionArn, sinceEventId: before[i]!.at(-1)!.id }));
  await Promise.all(resumed.map((c) => c.until(() => c.messages.some((m) => m.type === 'closed'), 15_000)));

  for (const [i, r] of runs.entries()) {
    const history = await fullHistory(second.url, r.executionArn);
    const after = resumed[i]!.events();
    expect(after[0]!.id).toBe(before[i]!.at(-1)!.id + 1);
    expect([...before[i]!, ...after]).toEqual(history);
    expect(history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded' });
    expect(resumed[i]!.messages.at(-1)).toEqual({ type: 'closed', executionArn: r.executionArn, status: 'SUCCEEDED' });
  }
  for (const c of resumed) c.close();
  second.proc.kill('SIGTERM');
}, 30_000);
