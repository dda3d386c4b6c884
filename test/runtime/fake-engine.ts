/**
 * A tiny engine double for runner tests: a program is a list of ops ('wait' 1 s | 'nap' 100 ms | 'task'); each op
 * leaves as a StartTimer or DispatchTask command and the execution succeeds after the last one. Events are AWS-shaped enough
 * to check ids and ordering.
 */
import type { EngineInput, ExecutionState, HistoryEvent, StepResult } from '../../src/engine/contract.js';
import type { EnginePort } from '../../src/runtime/engine-port.js';
import type { Json } from '../../src/util/json.js';

type Op = 'wait' | 'nap' | 'task';
interface Internal { pc: number; value: Json }

function ev(state: ExecutionState, type: string, now: number, details: Record<string, Json> = {}): HistoryEvent {
  const id = state.nextEventId++;
  return { id, previousEventId: id - 1, type, timestamp: now, ...details };
}

export const fakeEngine: EnginePort & { steps: number } = {
  steps: 0,
  compile: (text: string) => (JSON.parse(text) as { ops: Op[] }).ops,
  async step(program, prev, input: EngineInput): Promise<StepResult> {
    fakeEngine.steps++;
    const ops = program as Op[];
    const state: ExecutionState = prev
      ? { ...prev, internal: { ...(prev.internal as object) } }
      : { status: 'RUNNING', nextEventId: 1, internal: { pc: 0, value: null } };
    const internal = state.internal as unknown as Internal;
    const events: HistoryEvent[] = [];
    const commands: StepResult['commands'] = [];
    const advance = (): void => {
      const op = ops[internal.pc];
      if (op === undefined) {
        state.status = 'SUCCEEDED';
        state.output = JSON.stringify(internal.value);
        events.push(ev(state, 'ExecutionSucceeded', input.now));
      } else if (op === 'wait' || op === 'nap') {
        commands.push({ kind: 'StartTimer', timerId: `w${internal.pc}`, fireAt: input.now + (op === 'wait' ? 1000 : 100) });
      } else {
        commands.push({ kind: 'DispatchTask', taskId: `t${internal.pc}`, stateName: `S${internal.pc}`, resource: 'fn', payload: internal.value });
      }
    };
    switch (input.kind) {
      case 'Start':
        internal.value = input.input;
        events.push(ev(state, 'ExecutionStarted', input.now));
        advance();
        break;
      case 'TimerFired':
      case 'TaskSucceeded':
        if (input.kind === 'TaskSucceeded') internal.value = input.output;
        events.push(ev(state, input.kind, input.now));
        internal.pc++;
        advance();
        break;
      case 'TaskStarted':
        events.push(ev(state, 'TaskStarted', input.now));
        break;
      case 'TaskFailed':
        state.status = 'FAILED';
        state.error = input.error;
        events.push(ev(state, 'ExecutionFailed', input.now));
        break;
      case 'TaskHeartbeat':
        throw new Error('fake engine: heartbeat not supported');
      case 'Stop':
        state.status = 'ABORTED';
        events.push(ev(state, 'ExecutionAborted', input.now));
        commands.push({ kind: 'CancelTimer', timerId: `w${internal.pc}` });
        break;
      default:
        break;
    }
    return { state, events, commands };
  },
};
