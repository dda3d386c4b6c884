/** What a state handler decides (`settle`, run.ts, turns it into events and frame transitions), and the payload quota. */
import type { Json } from '../util/json.js';
import type { StateOf, StateType } from '../asl/types.js';
import type { Frame } from './internal.js';
import type { CompiledState } from './program.js';
import type { StepContext } from './step-context.js';

export type Outcome =
  /** The state finished with this output: *StateExited, then `next` (or the frame ends when absent). */
  | {
      kind: 'next'; output: Json; next?: string; assigned?: Record<string, Json>;
      /** The output's original JSON text, when it is not JSON.stringify(output) (Frame.inputText). */
      text?: string;
    }
  /** The state raised an error: Retry/Catch of the state apply (Task, Parallel, Map). */
  | { kind: 'fail'; error: string; cause?: string }
  /** A Fail state: the frame fails, no Exited event, no Retry/Catch. */
  | { kind: 'terminal'; error?: string; cause?: string }
  /** The state waits for a task, timer or child frames. */
  | { kind: 'block' };

export type CompiledOf<T extends StateType> = CompiledState & { def: StateOf<T> };

/**
 * One handler per state type; called right after *StateEntered (and again after a Retry back-off). Handlers
 * return a promise only when they evaluate JSONata (the only asynchronous evaluation), so JSONPath states run
 * without a microtask hop per state.
 */
export type Handler<T extends StateType> = (ctx: StepContext, f: Frame, cs: CompiledOf<T>) => Outcome | Promise<Outcome>;

/** `Next` of a state, or undefined for `End: true`. */
export function nextOf(def: { Next?: string; End?: boolean }): string | undefined {
  return def.End ? undefined : def.Next;
}
/** Maximum size of a state input/output or task result: 256 KiB of UTF-8 (AWS "Step Functions service quotas"). */
export const PAYLOAD_LIMIT = 262_144;
