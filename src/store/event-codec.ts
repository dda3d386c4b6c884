/**
 * The stored text of a chunk of history events (ids contiguous). Current form:
 *
 *   {"v":2, "id": first id, "ts": first timestamp, "ty": [event types], "nm": [state names], "e": [ ... ]}
 *
 * where each element of `e`, the events in order, is the event verbatim (an object, the AWS GetExecutionHistory
 * shape) or, for the shapes that make up almost every history, a positional array that decodes to exactly the
 * same object:
 *
 *   [type, id - previousEventId, timestamp - previous element's timestamp]                    no details member
 *   [type, id - previousEventId, timestamp delta, name, payload]     a *StateEntered / *StateExited event whose
 *       details are { name, input|output, inputDetails|outputDetails: { truncated: false } } and nothing else
 *
 * `type` and `name` index `ty` and `nm`; an event's id is `id` plus its position. `payload` is the input/output
 * JSON text, or a number k: the same text as the event k places earlier (a state's output is the next state's
 * input: `StepContext.textOf` hands both events the same string).
 *
 * Why: JSON.stringify of the AWS-shaped objects (three objects and ~10 keys per event, the payload escaped inside a
 * string) was the largest cost of persisting a Pass- or Choice-heavy step, and its size set how many pages a commit
 * writes. W4's 206 events: 43 KB and ~100 µs as AWS JSON, 8 KB and ~50 µs in this form. Anything not matching a
 * form exactly — variables assigned, a truncated payload, an extra member, members in another order, a number the
 * deltas would not carry exactly (not a safe integer) — is kept verbatim, so the codec never loses a field or
 * reorders members. (Events are objects, as HistoryEvent says: an array in their place would read back as a
 * positional event.) Chunks stored earlier read unchanged: a JSON array of verbatim objects (before
 * compaction) or of version-1 arrays `[id, previousEventId, type, timestamp(, name, payload)]` whose back-reference
 * is an event id.
 */
import type { HistoryEvent } from '../engine/contract.js';
import type { Json } from '../util/json.js';

const ENTERED = 'stateEnteredEventDetails';
const EXITED = 'stateExitedEventDetails';

/** The details member AWS gives a *StateEntered / *StateExited event (the only types with a payload form). */
function stateDetailsKey(type: string): typeof ENTERED | typeof EXITED | undefined {
  return type.endsWith('StateEntered') ? ENTERED : type.endsWith('StateExited') ? EXITED : undefined;
}

const BASE = ['id', 'previousEventId', 'type', 'timestamp'];
const ENTERED_MEMBERS = ['name', 'input', 'inputDetails'];
const EXITED_MEMBERS = ['name', 'output', 'outputDetails'];
const FLAGS = ['truncated'];

/** True when `o`'s members are exactly `names`, in that order (the order decoding gives them back in). */
function membersAre(o: object, names: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (k !== names[i++]) return false;
  return i === names.length;
}

/**
 * The members of an event after the base four: null when there are none, the name of the one that follows them,
 * or undefined when the base four are not first and in order or more than one member follows.
 */
function extraMember(e: object): string | null | undefined {
  let i = 0;
  let extra: string | null = null;
  for (const k in e) {
    if (i < 4 ? k !== BASE[i] : i > 4) return undefined;
    if (i === 4) extra = k;
    i++;
  }
  return i >= 4 ? extra : undefined;
}

/** The payload text of a details object of the compact shape, or undefined when it is not of that shape. */
function compactPayload(key: string, d: Json | undefined): string | undefined {
  if (d === null || typeof d !== 'object' || Array.isArray(d) || typeof d['name'] !== 'string') return undefined;
  const entered = key === ENTERED;
  const payload = entered ? d['input'] : d['output'];
  const flags = entered ? d['inputDetails'] : d['outputDetails'];
  if (typeof payload !== 'string' || flags === null || typeof flags !== 'object' || Array.isArray(flags)) return undefined;
  if (flags['truncated'] !== false || !membersAre(flags, FLAGS) || !membersAre(d, entered ? ENTERED_MEMBERS : EXITED_MEMBERS)) return undefined;
  return payload;
}

/** The stored JSON text of events[from..to) (contiguous ids). */
export function encodeChunk(events: readonly HistoryEvent[], from: number, to: number): string {
  const first = events[from] as HistoryEvent | null | undefined;
  const firstId = first?.id;
  // A first id that is not a safe integer (the engine never makes one) cannot head the compact form: the chunk is
  // stored in the oldest form, a plain array of the events, which keeps whatever they hold.
  if (!Number.isSafeInteger(firstId) || typeof first !== 'object' || first === null) return JSON.stringify(events.slice(from, to));
  const baseTs = Number.isSafeInteger(first.timestamp) ? first.timestamp : 0;
  // Event types of the chunk, and their state details member: a chunk has a handful (a scan beats a Map).
  const types: string[] = [];
  const typeKeys: (typeof ENTERED | typeof EXITED | undefined)[] = [];
  const names: string[] = [];
  // State names: up to one per state of the machine, so a Map (names are the definition's own strings: hashed once).
  const nameIndex = new Map<string, number>();
  let body = '';
  let prevTs = baseTs;
  let lastPayload: string | undefined;
  let lastPayloadAt = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (i > from) body += ',';
    const ts = e?.timestamp;
    // Positional only when every number survives the deltas exactly (safe integers, safe differences).
    const basic = typeof e === 'object' && e !== null && e.id === firstId! + (i - from) && Number.isSafeInteger(e.id)
      && typeof e.type === 'string' && Number.isSafeInteger(ts) && Number.isSafeInteger(ts - prevTs)
      && Number.isSafeInteger(e.previousEventId) && Number.isSafeInteger(e.id - e.previousEventId);
    const extra = basic ? extraMember(e) : undefined;
    let t = extra !== undefined ? types.indexOf(e.type) : -1;
    const key = typeof extra === 'string' ? (t >= 0 ? typeKeys[t] : stateDetailsKey(e.type)) : undefined;
    const payload = key !== undefined && key === extra ? compactPayload(key, e[key]) : undefined;
    if (extra !== null && payload === undefined) {
      body += JSON.stringify(e);
      if (Number.isSafeInteger(e?.timestamp)) prevTs = ts;
      continue;
    }
    if (t < 0) {
      t = types.push(e.type) - 1;
      typeKeys.push(stateDetailsKey(e.type));
    }
    body += '[' + t + ',' + (e.id - e.previousEventId) + ',' + (ts - prevTs);
    prevTs = ts;
    if (payload === undefined) {
      body += ']';
      continue;
    }
    const name = (e[key!] as Record<string, Json>)['name'] as string;
    let n = nameIndex.get(name);
    if (n === undefined) nameIndex.set(name, (n = names.push(name) - 1));
    body += ',' + n + ',' + (payload === lastPayload ? i - lastPayloadAt : JSON.stringify(payload)) + ']';
    lastPayload = payload;
    lastPayloadAt = i;
  }
  return `{"v":2,"id":${firstId},"ts":${baseTs},"ty":${JSON.stringify(types)},"nm":${JSON.stringify(names)},"e":[${body}]}`;
}

type Compact = [number, number, number] | [number, number, number, number, string | number];
interface ChunkV2 { v: 2; id: number; ts: number; ty: string[]; nm: string[]; e: (HistoryEvent | Compact)[] }

/** The details of a compact *StateEntered / *StateExited event. */
function stateDetails(key: typeof ENTERED | typeof EXITED, name: string, payload: string): Json {
  return key === ENTERED
    ? { name, input: payload, inputDetails: { truncated: false } }
    : { name, output: payload, outputDetails: { truncated: false } };
}

function corrupt(what: string): never {
  throw new Error(`history chunk: ${what}`);
}

/** The events of a chunk's JSON text, in any form it was ever stored in. */
export function decodeChunk(text: string): HistoryEvent[] {
  const stored = JSON.parse(text) as ChunkV2 | (HistoryEvent | unknown[])[];
  return Array.isArray(stored) ? decodeV1(stored) : decodeV2(stored);
}

function decodeV2(c: ChunkV2): HistoryEvent[] {
  const out: HistoryEvent[] = new Array(c.e.length);
  const payloads: (string | undefined)[] = new Array(c.e.length);
  let ts = c.ts;
  for (let i = 0; i < c.e.length; i++) {
    const s = c.e[i]!;
    if (!Array.isArray(s)) {
      out[i] = s;
      if (Number.isSafeInteger(s?.timestamp)) ts = s.timestamp;
      continue;
    }
    const id = c.id + i;
    const type = c.ty[s[0]] ?? corrupt(`event ${id} has no type ${s[0]}`);
    ts += s[2];
    const e: HistoryEvent = { id, previousEventId: id - s[1], type, timestamp: ts };
    if (s.length === 5) {
      const ref = s[4];
      const payload = typeof ref === 'number' ? payloads[i - ref] ?? corrupt(`event ${id} refers to a payload ${ref} events back that is not there`) : ref;
      payloads[i] = payload;
      const key = stateDetailsKey(type) ?? corrupt(`event ${id} of type ${type} has no state details to decode`);
      e[key] = stateDetails(key, c.nm[s[3]] ?? corrupt(`event ${id} has no name ${s[3]}`), payload);
    }
    out[i] = e;
  }
  return out;
}

/** Version 1 (and before it, verbatim objects only): `[id, previousEventId, type, timestamp(, name, payload)]`. */
function decodeV1(stored: (HistoryEvent | unknown[])[]): HistoryEvent[] {
  const out: HistoryEvent[] = new Array(stored.length);
  let payloads: Map<number, string> | undefined;
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i]!;
    if (!Array.isArray(s)) {
      out[i] = s;
      continue;
    }
    const [id, previousEventId, type, timestamp, name, ref] = s as [number, number, string, number, string?, (string | number)?];
    const e: HistoryEvent = { id, previousEventId, type, timestamp };
    if (s.length === 6) {
      const payload = typeof ref === 'number' ? payloads?.get(ref) ?? corrupt(`event ${id} refers to a payload of event ${ref} it does not hold`) : ref!;
      (payloads ??= new Map()).set(id, payload);
      const key = stateDetailsKey(type) ?? corrupt(`event ${id} of type ${type} has no state details to decode`);
      e[key] = stateDetails(key, name!, payload);
    }
    out[i] = e;
  }
  return out;
}
