/**
 * The text of one journal entry (an engine input, store/journal.ts) and back. A Lambda result whose exact text is
 * known (`outputText`) is journalled as that text alone: `output` is by contract its JSON.parse (rie-outcome.ts),
 * and journalling both doubled the entry — ~600 instead of ~200 bytes for W5's payload, enough to make a Task's
 * history row outgrow half a page, so that every commit split a leaf (docs/performance.md). Entries written with
 * both still read back as they were.
 */
import type { EngineInput } from '../engine/contract.js';
import type { Json } from '../util/json.js';

export function journalEntry(input: EngineInput): string {
  if (input.kind === 'TaskSucceeded' && input.outputText !== undefined) return JSON.stringify({ ...input, output: undefined });
  return JSON.stringify(input);
}

export function parseJournalEntry(text: string): EngineInput {
  const input = JSON.parse(text) as EngineInput;
  if (input.kind === 'TaskSucceeded' && input.output === undefined && input.outputText !== undefined) {
    input.output = JSON.parse(input.outputText) as Json;
  }
  return input;
}
