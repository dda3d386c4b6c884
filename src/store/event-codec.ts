/**
 * The stored text of a chunk of history events: a JSON array whose elements are either an event verbatim (an
 * object, the AWS GetExecutionHistory shape) or, for the shapes that make up almost every history, a positional
 * array that decodes to exactly the same object:
 *
 *   [id, previousEventId, type, timestamp]                   an event with no details member
 *   [id, previousEventId, type, timestamp, name, payload]    a *StateEntered / *StateExited event whose details are
 *                                                            { name, input|output, inputDetails|outputDetails:
 *                                                            { truncated: false } } and nothing else
 *
 * `payload` is the input/output JSON text, or the id of an earlier event of the same chunk with the same text (a
 * state's output is the next state's input: `StepContext.textOf` hands both events the same string).
 *
 * Why: JSON.stringify of the AWS-shaped objects (three objects and ~10 keys per event, the payload escaped inside a
 * string) was the largest cost of persisting a Pass- or Choice-heavy step (W4: ~100 µs of ~500 µs per execution),
 * and the text it made was what deflate then spent its time on. The positional form is ~4× smaller and ~3× cheaper
 * to write. Chunks written before this form (all objects) read unchanged; anything not matching a form exactly
 * (variables assigned, a truncated payload, an extra member) is kept verbatim, so the codec never loses a field.
 */
import type { HistoryEvent } from '../engine/contract.js';
import type { Json } from '../util/json.js';

const ENTERED = 'stateEnteredEventDetails';
const EXITED = 'stateExitedEventDetails';

/** The details member AWS gives a *StateEntered / *StateExited event (the only types with a positional form). */
function stateDetailsKey(type: string): typeof ENTERED | typeof EXITED | undefined {
  return type.endsWith('StateEntered') ? ENTERED : type.endsWith('StateExited') ? EXITED : undefined;
}

/**
 * JSON text of the short strings that recur in every chunk (event types, state names), worked out once: they are
 * the same few strings over and over, and quoting them was a third of the encoder's time.
 */
const quoted = new Map<string, string>();
function quote(s: string): string {
  let q = quoted.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (quoted.size < 4096 && s.length <= 128) quoted.set(s, q);
  }
  return q;
}

function keyCount(o: object): number {
  let n = 0;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for (const _ in o) n++;
  return n;
}

/** The payload text of a details object of the compact shape, or undefined when it is not of that shape. */
function compactPayload(key: string, d: Json | undefined): string | undefined {
  if (d === null || typeof d !== 'object' || Array.isArray(d) || typeof d['name'] !== 'string') return undefined;
  const entered = key === ENTERED;
  const payload = entered ? d['input'] : d['output'];
  const flags = entered ? d['inputDetails'] : d['outputDetails'];
  if (typeof payload !== 'string' || flags === null || typeof flags !== 'object' || Array.isArray(flags)) return undefined;
  if (flags['truncated'] !== false || keyCount(flags) !== 1 || keyCount(d) !== 3) return undefined;
  return payload;
}

/** The stored JSON text of events[from..to). */
export function encodeChunk(events: readonly HistoryEvent[], from: number, to: number): string {
  let out = '[';
  let lastPayload: string | undefined;
  let lastPayloadId = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (i > from) out += ',';
    if (typeof e.id !== 'number' || typeof e.previousEventId !== 'number' || typeof e.type !== 'string' || typeof e.timestamp !== 'number') {
      out += JSON.stringify(e);
      continue;
    }
    const keys = keyCount(e);
    const head = '[' + e.id + ',' + e.previousEventId + ',' + quote(e.type) + ',' + e.timestamp;
    // The four members above are there, so four members in all means no details member at all.
    if (keys === 4) {
      out += head + ']';
      continue;
    }
    const key = keys === 5 ? stateDetailsKey(e.type) : undefined;
    const payload = key === undefined ? undefined : compactPayload(key, e[key]);
    if (payload === undefined) {
      out += JSON.stringify(e);
      continue;
    }
    const d = e[key!] as Record<string, Json>;
    out += head + ',' + quote(d['name'] as string) + ',' + (payload === lastPayload ? lastPayloadId : JSON.stringify(payload)) + ']';
    lastPayload = payload;
    lastPayloadId = e.id;
  }
  return out + ']';
}

type Stored = HistoryEvent | [number, number, string, number] | [number, number, string, number, string, string | number];

/** The events of a chunk's JSON text (either form, or a mix). */
export function decodeChunk(text: string): HistoryEvent[] {
  const stored = JSON.parse(text) as Stored[];
  const out: HistoryEvent[] = new Array(stored.length);
  // Payload texts by event id, for back-references (only compact events carry one).
  let payloads: Map<number, string> | undefined;
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i]!;
    if (!Array.isArray(s)) {
      out[i] = s;
      continue;
    }
    const e: HistoryEvent = { id: s[0], previousEventId: s[1], type: s[2], timestamp: s[3] };
    if (s.length === 6) {
      const ref = s[5];
      const payload = typeof ref === 'number' ? payloads?.get(ref) : ref;
      if (payload === undefined) throw new Error(`history chunk: event ${s[0]} refers to a payload of event ${ref} it does not hold`);
      (payloads ??= new Map()).set(s[0], payload);
      const key = stateDetailsKey(s[2]);
      if (key === undefined) throw new Error(`history chunk: event ${s[0]} of type ${s[2]} has no state details to decode`);
      e[key] = key === ENTERED
        ? { name: s[4], input: payload, inputDetails: { truncated: false } }
        : { name: s[4], output: payload, outputDetails: { truncated: false } };
    }
    out[i] = e;
  }
  return out;
}
