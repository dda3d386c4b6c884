/**
 * The compact stored form of history chunks (src/store/event-codec.ts): every event decodes to exactly what was
 * encoded — same members, same values, same JSON text — whether it took the positional form or was kept verbatim.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/engine/contract.js';
import { decodeChunk, encodeChunk } from '../../src/store/event-codec.js';

const T = 1767225600123;
const entered = (id: number, name: string, input: string, type = 'PassStateEntered'): HistoryEvent =>
  ({ id, previousEventId: id - 1, type, timestamp: T, stateEnteredEventDetails: { name, input, inputDetails: { truncated: false } } });
const exited = (id: number, name: string, output: string, type = 'PassStateExited'): HistoryEvent =>
  ({ id, previousEventId: id - 1, type, timestamp: T, stateExitedEventDetails: { name, output, outputDetails: { truncated: false } } });

/** Encodes, decodes, and checks the round trip to the JSON text; returns the stored text. */
function roundTrip(events: HistoryEvent[]): string {
  const text = encodeChunk(events, 0, events.length);
  expect(JSON.stringify(decodeChunk(text))).toBe(JSON.stringify(events));
  return text;
}

/** The elements of a stored chunk that took the positional form. */
const compact = (text: string) => (JSON.parse(text) as unknown[]).filter(Array.isArray);

describe('history chunk codec', () => {
  it('stores entered/exited and detail-less events positionally, a repeated payload once', () => {
    const events = [
      entered(1, 'A', '{"v":1}', 'ParallelStateEntered'),
      { id: 2, previousEventId: 1, type: 'ParallelStateStarted', timestamp: T },
      entered(3, 'B', '{"v":1}'),
      exited(4, 'B', '{"v":1,"last":{"s":"\\"q\\""}}'),
      entered(5, 'C', '{"v":1,"last":{"s":"\\"q\\""}}'),
      exited(6, 'C', '{"v":2}'),
    ];
    const text = roundTrip(events);
    expect(compact(text)).toHaveLength(6);
    // The input of B and of C are back-references to the events that first carried the same text.
    expect(compact(text)[2]).toEqual([3, 2, 'PassStateEntered', T, 'B', 1]);
    expect(compact(text)[4]).toEqual([5, 4, 'PassStateEntered', T, 'C', 4]);
    expect(text.length).toBeLessThan(JSON.stringify(events).length / 2);
  });

  it('keeps verbatim every event that does not match a positional form exactly', () => {
    const withVariables: HistoryEvent = {
      ...exited(2, 'S', '{}'),
      stateExitedEventDetails: { name: 'S', output: '{}', outputDetails: { truncated: false }, assignedVariables: { x: '1' }, assignedVariablesDetails: { truncated: false } },
    };
    const odd: HistoryEvent[] = [
      { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: T, executionStartedEventDetails: { input: '{}', inputDetails: { truncated: false }, roleArn: 'r' } },
      withVariables,
      { ...entered(3, 'S', '{}'), stateEnteredEventDetails: { name: 'S', input: '{}', inputDetails: { truncated: true } } },
      { ...entered(4, 'S', '{}'), stateEnteredEventDetails: { name: 'S', input: '{}' } },
      { ...entered(5, 'S', '{}'), stateEnteredEventDetails: { name: 'S', input: '{}', inputDetails: { truncated: false, extra: 1 } } },
      { ...entered(6, 'S', '{}'), stateEnteredEventDetails: { input: '{}', name: 'S', inputDetails: { truncated: false }, more: null } },
      { ...entered(7, 'S', '{}'), extra: 'top-level member' },
      { ...exited(8, 'S', '{}'), stateExitedEventDetails: { name: 7, output: '{}', outputDetails: { truncated: false } } },
      { id: 9, previousEventId: 8, type: 'ParallelStateStarted', timestamp: T, note: 1 },
      { id: 10, previousEventId: 9, type: 'ExecutionSucceeded', timestamp: T },
    ];
    const text = roundTrip(odd);
    // Only the last one (no details member at all) is positional.
    expect(compact(text)).toEqual([[10, 9, 'ExecutionSucceeded', T]]);
  });

  it('back-references only events of the same chunk, across verbatim neighbours', () => {
    const events = [exited(10, 'A', '{"k":[1,2]}'), { ...exited(11, 'X', 'x'), extra: 1 }, entered(12, 'B', '{"k":[1,2]}')];
    // Encoded from the middle: event 12 cannot refer to event 10, which is in another chunk.
    const text = encodeChunk(events, 1, 3);
    expect(JSON.stringify(decodeChunk(text))).toBe(JSON.stringify(events.slice(1)));
    expect(compact(text)).toEqual([[12, 11, 'PassStateEntered', T, 'B', '{"k":[1,2]}']]);
  });

  it('reads chunks stored before the compact form (all verbatim objects)', () => {
    const events = [entered(1, 'A', '{}'), exited(2, 'A', '{}')];
    expect(decodeChunk(JSON.stringify(events))).toEqual(events);
  });

  it('refuses a back-reference to an event the chunk does not hold', () => {
    expect(() => decodeChunk(`[[5,4,"PassStateEntered",${T},"B",3]]`)).toThrow(/event 5 refers to a payload of event 3/);
  });

  it('round-trips the engine golden histories (Parallel, Map, Task retry and catch) exactly', () => {
    const dir = join(__dirname, '../engine/goldens');
    const files = readdirSync(dir).filter((f) => f.endsWith('.history.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const events = JSON.parse(readFileSync(join(dir, f), 'utf8')) as HistoryEvent[];
      const text = roundTrip(events);
      expect(compact(text).length, f).toBeGreaterThan(events.length / 3);
      // Any split into chunks decodes to the same events.
      for (const at of [1, 7, events.length - 1]) {
        expect([...decodeChunk(encodeChunk(events, 0, at)), ...decodeChunk(encodeChunk(events, at, events.length))]).toEqual(events);
      }
    }
  });
});
