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
const compact = (text: string) => (JSON.parse(text) as { e: unknown[] }).e.filter(Array.isArray);

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
    const stored = JSON.parse(text) as { id: number; ts: number; ty: string[]; nm: string[] };
    expect(stored).toMatchObject({ v: 2, id: 1, ts: T, ty: ['ParallelStateEntered', 'ParallelStateStarted', 'PassStateEntered', 'PassStateExited'], nm: ['A', 'B', 'C'] });
    expect(compact(text)).toHaveLength(6);
    // [type, id - previousEventId, timestamp delta, name, payload]: the inputs of B and of C are back-references
    // to the events (2 and 1 places earlier) that first carried the same text.
    expect(compact(text)[2]).toEqual([2, 1, 0, 1, 2]);
    expect(compact(text)[4]).toEqual([2, 1, 0, 2, 1]);
    expect(text.length).toBeLessThan(JSON.stringify(events).length / 3);
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
      // Members in another order than decoding gives them back in.
      { type: 'PassStateEntered', id: 10, previousEventId: 9, timestamp: T, stateEnteredEventDetails: { name: 'S', input: '{}', inputDetails: { truncated: false } } },
      { ...entered(11, 'S', '{}'), stateEnteredEventDetails: { input: '{}', name: 'S', inputDetails: { truncated: false } } },
      // Numbers the deltas would not carry exactly.
      { ...entered(12, 'S', '{}'), previousEventId: -Number.MAX_SAFE_INTEGER },
      { ...entered(13, 'S', '{}'), previousEventId: 0.5 },
      { ...entered(14, 'S', '{}'), timestamp: -Number.MAX_SAFE_INTEGER }, // 2^53 + T before event 13
      { id: 15, previousEventId: 14, type: 'ExecutionSucceeded', timestamp: 0 },
    ];
    const text = roundTrip(odd);
    // Only the last one (no details member at all) is positional, its timestamp 2^53 - 1 after event 14's.
    expect(compact(text)).toEqual([[0, 1, Number.MAX_SAFE_INTEGER]]);
  });

  it('back-references only events of the same chunk, across verbatim neighbours', () => {
    const events = [exited(10, 'A', '{"k":[1,2]}'), { ...exited(11, 'X', 'x'), extra: 1 }, entered(12, 'B', '{"k":[1,2]}')];
    // Encoded from the middle: event 12 cannot refer to event 10, which is in another chunk.
    const text = encodeChunk(events, 1, 3);
    expect(JSON.stringify(decodeChunk(text))).toBe(JSON.stringify(events.slice(1)));
    expect(compact(text)).toEqual([[0, 1, 0, 0, '{"k":[1,2]}']]);
  });

  it('keeps timestamps exact across verbatim neighbours and out of order, ids only when contiguous', () => {
    const events: HistoryEvent[] = [
      { ...entered(1, 'A', '{}'), timestamp: T + 5 },
      { ...exited(2, 'A', '{}'), timestamp: T + 2, extra: 1 },
      { ...exited(3, 'A', '{}'), timestamp: T },
      { ...entered(5, 'B', '{}'), timestamp: T + 9 },
      { ...entered(6, 'B', '{}'), timestamp: T + 0.5 },
    ];
    const text = roundTrip(events);
    // Event 5 breaks the run of ids (4 is missing) and event 6 has a non-integer timestamp: both kept verbatim.
    // Event 3's timestamp is 2 ms before event 2's (verbatim), its output the same text as event 1's input.
    expect(compact(text)).toEqual([[0, 1, 0, 0, '{}'], [1, 1, -2, 0, 2]]);
  });

  it('reads version-1 chunks: positional arrays with ids, types and timestamps spelled out', () => {
    const v1 = `[[4,3,"PassStateEntered",${T},"B","{\\"v\\":1}"],[5,4,"PassStateExited",${T},"B",4],[6,5,"ParallelStateSucceeded",${T}]]`;
    expect(decodeChunk(v1)).toEqual([entered(4, 'B', '{"v":1}'), exited(5, 'B', '{"v":1}'), { id: 6, previousEventId: 5, type: 'ParallelStateSucceeded', timestamp: T }]);
  });

  it('stores a chunk whose first id is not a safe integer as a plain array of the events', () => {
    const events = [{ ...entered(1, 'A', '{}'), id: 2 ** 60 }, exited(2, 'A', '{}')];
    const text = roundTrip(events);
    expect(text).toBe(JSON.stringify(events));
  });

  it('reads chunks stored before the compact form (all verbatim objects)', () => {
    const events = [entered(1, 'A', '{}'), exited(2, 'A', '{}')];
    expect(decodeChunk(JSON.stringify(events))).toEqual(events);
  });

  it('refuses a back-reference to an event the chunk does not hold', () => {
    expect(() => decodeChunk(`{"v":2,"id":5,"ts":${T},"ty":["PassStateEntered"],"nm":["B"],"e":[[0,1,0,0,1]]}`)).toThrow(/event 5 refers to a payload 1 events back/);
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
