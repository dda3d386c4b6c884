/**
 * Test driver: runs a definition through `step` with a fake clock and a fake dispatcher, the way the runtime
 * would (minus I/O). Timers fire by jumping the clock, so a year-long workflow runs in milliseconds. Every
 * input is journalled, so replay tests can fold the same journal again.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { compile, step } from '../../src/engine/index.js';
import type {
  Command, EngineInput, ExecutionMeta, ExecutionState, HistoryEvent, Program,
} from '../../src/engine/index.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';
import type { Json } from '../../src/util/json.js';

export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

export const META: ExecutionMeta = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',
  executionName: 'run-1',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::123456789012:role/sfn',
  startTime: new Date(T0).toISOString(),
  region: 'us-east-1',
  account: '123456789012',
  redriveCount: 0,
  type: 'STANDARD',
};

export const hash = (alg: string, text: string) => createHash(alg.replace('-', '').toLowerCase()).update(text).digest('hex');

type DispatchCmd = Extract<Command, { kind: 'DispatchTask' }>;

/** What the fake dispatcher answers for one dispatch: inputs to feed (without `now`/`taskId`), or nothing. */
export type Answer =
  | { ok: Json }
  | { error: string; cause?: string }
  | { submitted: Json; then?: Answer; heartbeats?: number }
  | 'hang';

export interface DriveOptions {
  dispatch?: (cmd: DispatchCmd, attempt: number) => Answer;
  /** Send Stop once this many events exist. */
  stopAfter?: number;
  /** Stop firing timers past this virtual time (ms after T0). */
  horizonMs?: number;
  meta?: Partial<ExecutionMeta>;
}

export interface Driven {
  program: Program;
  state: ExecutionState;
  events: HistoryEvent[];
  commands: Command[];
  journal: EngineInput[];
  states: ExecutionState[];
  now: number;
}

export function loadSample(name: string): StateMachineDefinition {
  return JSON.parse(readFileSync(new URL(`../../samples/${name}.asl.json`, import.meta.url), 'utf8')) as StateMachineDefinition;
}

/** Run a definition to completion (or until nothing can happen). */
export async function drive(def: StateMachineDefinition, input: Json, opts: DriveOptions = {}): Promise<Driven> {
  const program = compile(def);
  let now = T0;
  const journal: EngineInput[] = [];
  const events: HistoryEvent[] = [];
  const commands: Command[] = [];
  const states: ExecutionState[] = [];
  const timers = new Map<string, number>();
  const inbox: EngineInput[] = [];
  const attempts = new Map<string, number>();
  let state: ExecutionState | undefined;
  const feed = async (inp: EngineInput) => {
    journal.push(inp);
    const r = await step(program, state, inp, { hash });
    state = r.state;
    states.push(r.state);
    events.push(...r.events);
    commands.push(...r.commands);
    for (const c of r.commands) act(c);
  };
  const answer = (taskId: string, a: Answer) => {
    if (a === 'hang') return;
    if ('ok' in a) inbox.push({ kind: 'TaskSucceeded', now, taskId, output: a.ok });
    else if ('error' in a) inbox.push({ kind: 'TaskFailed', now, taskId, error: a.error, ...(a.cause !== undefined ? { cause: a.cause } : {}) });
    else {
      inbox.push({ kind: 'TaskSubmitted', now, taskId, output: a.submitted });
      for (let i = 0; i < (a.heartbeats ?? 0); i++) inbox.push({ kind: 'TaskHeartbeat', now, taskId });
      if (a.then) answer(taskId, a.then);
    }
  };
  const act = (c: Command) => {
    if (c.kind === 'StartTimer') timers.set(c.timerId, c.fireAt);
    else if (c.kind === 'CancelTimer') timers.delete(c.timerId);
    else if (c.kind === 'DispatchTask') {
      const n = (attempts.get(c.stateName) ?? 0) + 1;
      attempts.set(c.stateName, n);
      const a = opts.dispatch ? opts.dispatch(c, n) : { ok: { echoed: c.payload } };
      if (a !== 'hang') inbox.push({ kind: 'TaskStarted', now, taskId: c.taskId });
      answer(c.taskId, a);
    }
  };
  await feed({ kind: 'Start', now, input, meta: { ...META, ...opts.meta }, seed: 7 });
  for (let guard = 0; guard < 1_000_000 && state!.status === 'RUNNING'; guard++) {
    if (opts.stopAfter !== undefined && events.length >= opts.stopAfter) {
      await feed({ kind: 'Stop', now, error: 'Stopped', cause: 'by test' });
      break;
    }
    const next = inbox.shift();
    if (next) {
      await feed({ ...next, now });
      continue;
    }
    if (timers.size === 0) break;
    const [timerId, at] = [...timers.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]!;
    if (opts.horizonMs !== undefined && at - T0 > opts.horizonMs) break;
    timers.delete(timerId);
    now = Math.max(now, at);
    await feed({ kind: 'TimerFired', now, timerId });
  }
  return { program, state: state!, events, commands, journal, states, now };
}

/** `[id, previousEventId, type]` triples: the shape of a history golden. */
export function chain(events: HistoryEvent[]): [number, number, string][] {
  return events.map((e) => [e.id, e.previousEventId, e.type]);
}

/** The details member of an event (whatever its name). */
export function details(e: HistoryEvent | undefined): Record<string, Json> {
  if (!e) return {};
  const k = Object.keys(e).find((key) => key.endsWith('EventDetails'));
  return (k ? e[k] : {}) as Record<string, Json>;
}
