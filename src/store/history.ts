/**
 * The AWS-shaped history, stored in chunks: one row holds up to CHUNK events of one commit of one execution
 * (ids first_id..last_id, contiguous) in the compact form of event-codec.ts, deflated when it is large. The row's
 * integer key is execution_id * 2^32 + last_id (row-keys.ts): no separate index, and appends stay appends.
 *
 * Why chunks: with one row per event, SQLite's per-row B-tree work was the store's largest cost (W4 writes 206
 * events per execution). Why 256 events a chunk: the compact form keeps a full chunk of state events to ~10-25 KB
 * of text, well under 100 µs to decode when a read needs one event of it.
 *
 * Why deflate only from 32 KiB: in WAL mode every page written costs two write syscalls at commit and two more
 * copies at checkpoint, so deflating (zlib level 1, ~2 µs per KB plus ~10 µs of set-up a call) paid for itself
 * while chunks were AWS-shaped JSON (W4: 43 KB → 4 KB). The compact form makes the same chunk 8 KB: two pages
 * written plain cost less than deflating them (W4 durable, measured: 2,040 → 2,440 executions/s with the first
 * compact form), so only chunks of large payloads, where deflate saves many pages, are deflated. The cost is disk:
 * a chunk of state events takes ~5× less than its AWS JSON plain, ~15× less deflated (docs/performance.md).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { HistoryEvent } from '../engine/contract.js';
import type { Db } from './db.js';
import { decodeChunk, encodeChunk } from './event-codec.js';
import { KEY, LOW, SPAN } from './row-keys.js';

/** Most events in one chunk row: a read parses at most this many to return one. */
const CHUNK = 256;
/** Past this many characters a chunk of more than one event is split in two. */
const CHUNK_BYTES = 256 * 1024;
/** Chunks of at least this many characters are stored deflated (a BLOB); smaller ones as plain text. */
const DEFLATE_FROM = 32 * 1024;

interface ChunkRow { events: string | Buffer }

/** The JSON text of a stored chunk, whichever form it was stored in. */
function chunkText(stored: string | Buffer): string {
  return typeof stored === 'string' ? stored : inflateRawSync(stored).toString('utf8');
}

/** The events of a stored chunk (plain or deflated; compact, verbatim or mixed). */
export function chunkEvents(stored: string | Buffer): HistoryEvent[] {
  return decodeChunk(chunkText(stored));
}

export function historyRepo(db: Db) {
  const s = {
    // A chunk holds ids first_id..last_id with last_id - first_id < CHUNK, so the chunks holding an id < before all
    // have last_id < before + CHUNK: the key range stays tight when paging backwards.
    after: db.prepare(`SELECT events FROM history_chunks WHERE id > ${KEY('@e')} + @n AND id <= ${KEY('@e')} + ${LOW} ORDER BY id`),
    before: db.prepare(`SELECT events FROM history_chunks WHERE id >= ${KEY('@e')} AND id < ${KEY('@e')} + @n ORDER BY id DESC`),
    count: db.prepare(`SELECT coalesce(sum((id % ${SPAN}) - first_id + 1), 0) AS n FROM history_chunks
      WHERE id BETWEEN ${KEY('@e')} AND ${KEY('@e')} + ${LOW}`),
    add: db.prepare(`INSERT INTO history_chunks (id, first_id, jto, journal, events) VALUES (${KEY('@e')} + @n, @first, @jto, @journal, @events)`),
  };
  const parse = (r: ChunkRow) => chunkEvents(r.events);

  /**
   * Writes events (ascending, contiguous ids) in chunks of at most CHUNK events and, past one event, CHUNK_BYTES;
   * the commit's journal entries (journal.ts: lines, and the seq after the last) go on the last row.
   */
  const append = (executionId: number, events: readonly HistoryEvent[], journal?: { text: string; to: number },
    from = 0, to = events.length): void => {
    for (let i = from; i < to; i += CHUNK) {
      const end = Math.min(i + CHUNK, to);
      const text = encodeChunk(events, i, end);
      if (text.length > CHUNK_BYTES && end - i > 1) {
        // Large payloads: halve the chunk so that reading one event never parses megabytes of its neighbours.
        const mid = i + ((end - i) >> 1);
        append(executionId, events, undefined, i, mid);
        append(executionId, events, end === to ? journal : undefined, mid, end);
      } else {
        const stored = text.length >= DEFLATE_FROM ? deflateRawSync(text, { level: 1 }) : text;
        const last = end === to && journal !== undefined;
        s.add.run({ e: executionId, n: events[end - 1]!.id, first: events[i]!.id, jto: last ? journal.to : null,
          journal: last ? journal.text : null, events: stored });
      }
    }
  };

  return {
    append,
    /** Events with id > after ascending, or with id < before descending; at most `limit`. */
    page(id: number, q: { after?: number; before?: number; limit: number }): HistoryEvent[] {
      const out: HistoryEvent[] = [];
      if (q.limit <= 0) return out;
      if (q.before !== undefined) {
        for (const r of s.before.iterate({ e: id, n: Math.min(q.before + CHUNK, SPAN) }) as IterableIterator<ChunkRow>) {
          const events = parse(r);
          for (let i = events.length - 1; i >= 0 && out.length < q.limit; i--) if (events[i]!.id < q.before) out.push(events[i]!);
          if (out.length >= q.limit) break;
        }
      } else {
        const after = q.after ?? 0;
        for (const r of s.after.iterate({ e: id, n: after }) as IterableIterator<ChunkRow>) {
          const events = parse(r);
          for (let i = 0; i < events.length && out.length < q.limit; i++) if (events[i]!.id > after) out.push(events[i]!);
          if (out.length >= q.limit) break;
        }
      }
      return out;
    },
    count: (id: number) => (s.count.get({ e: id }) as { n: number }).n,
  };
}
