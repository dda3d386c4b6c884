/** replay(): fold a journal of engine inputs through `step`; the stored history must come out identical. */
import type { EngineInput, HistoryEvent, StepResult } from './contract.js';
import type { Program } from './program.js';
import { step, type EngineDeps } from './step.js';

/** Re-run a journal from its Start input; returns the final step's result plus every event in order. */
export async function replay(
  program: Program, journal: EngineInput[], deps: EngineDeps = {},
): Promise<StepResult & { allEvents: HistoryEvent[] }> {
  const allEvents: HistoryEvent[] = [];
  let last: StepResult | undefined;
  for (const input of journal) {
    last = await step(program, last?.state, input, deps);
    for (const e of last.events) allEvents.push(e); // no spread: a step may carry more events than a call takes arguments
  }
  if (!last) throw new Error('engine: replay of an empty journal');
  return { ...last, allEvents };
}
