/**
 * One client's subscription to one execution's history: catch-up from the store, then live, with no gap and no
 * duplicate at the boundary.
 *
 * Invariant: the subscription is registered on the bus BEFORE the first store read. Live batches that arrive
 * while catching up are buffered; after the last store page, the buffer is drained skipping every id <= the last
 * id sent. Since the runner publishes only after commit, every live event is either in a later store page or in
 * the buffer, never lost; the id check removes the overlap. History ids are dense and increasing per execution.
 */
import type { HistoryEvent } from '../engine/contract.js';
import type { Store } from '../store/index.js';
import { toWire } from '../util/aws-wire.js';
import type { Json } from '../util/json.js';
import { TERMINAL_EVENTS, type ServerMessage } from './protocol.js';

/** What a subscription needs from its connection. */
export interface Outlet {
  /** Sends a message; false once the connection is gone or has overflowed (the subscription then stops). */
  send(msg: ServerMessage): boolean;
  /** Sends a small or already-paced message whatever the socket holds; false once the connection is gone. */
  control(msg: ServerMessage): boolean;
  /** Bytes queued in the socket and not yet written (ws.bufferedAmount). */
  buffered(): number;
  /** Called when the live buffer exceeds its limit: the connection overflows and closes. */
  overflow(): void;
  readonly open: boolean;
}

export interface SubscriptionLimits {
  /** Events per catch-up message (one store page). */
  pageSize: number;
  /** Live events buffered during catch-up before the client is declared too slow. */
  maxQueuedEvents: number;
  /** ... and about this many bytes of them. */
  maxQueuedBytes: number;
  /** Catch-up cuts its messages at about this many bytes of events. */
  chunkBytes: number;
  /** Catch-up pauses while the socket holds more than this many unsent bytes. */
  pauseAboveBytes: number;
}

export class ExecutionSubscription {
  /** Id of the last event handed to the socket: resume point, and the duplicate filter at the boundary. */
  lastSentId: number;
  private pending: HistoryEvent[] = [];
  private pendingBytes = 0;
  private catchingUp = true;
  private done = false;

  constructor(
    readonly executionArn: string,
    private readonly executionId: number,
    sinceEventId: number,
    private readonly store: Store,
    private readonly out: Outlet,
    private readonly limits: SubscriptionLimits,
    /** Called once the subscription ends (execution closed, or connection gone). */
    private readonly onEnd: () => void,
  ) {
    this.lastSentId = sinceEventId;
  }

  /** A live batch from the bus (already committed). Never awaits: the publish path stays synchronous. */
  onLive(events: readonly HistoryEvent[]): void {
    if (this.done) return;
    if (this.catchingUp) {
      // One loop, no push(...events): a commit can carry more events than a call takes arguments.
      for (const e of events) {
        this.pending.push(e);
        this.pendingBytes += approxSize(e);
      }
      if (this.pending.length > this.limits.maxQueuedEvents || this.pendingBytes > this.limits.maxQueuedBytes) this.out.overflow();
      return;
    }
    this.deliver(events, false);
  }

  /**
   * Reads the store after `lastSentId` page by page and sends it in messages of at most ~`chunkBytes`, waiting
   * for the socket to drain between messages (catch-up is paced by the client, never overflows it). Goes live
   * once a read after draining comes back empty.
   */
  async catchUp(): Promise<void> {
    for (;;) {
      if (!(await this.drained())) return this.end();
      const page = this.store.executions.history(this.executionId, { after: this.lastSentId, limit: this.limits.pageSize });
      if (page.length === 0) break;
      let chunk: HistoryEvent[] = [];
      let bytes = 0;
      for (const e of page) {
        chunk.push(e);
        bytes += approxSize(e);
        if (bytes < this.limits.chunkBytes) continue;
        this.deliver(chunk, true);
        chunk = [];
        bytes = 0;
        if (!(await this.drained())) return this.end();
      }
      this.deliver(chunk, true);
      if (this.done) return;
    }
    // Same synchronous run as the empty read: every buffered live event was already sent from the store.
    this.catchingUp = false;
    const buffered = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.deliver(buffered, false);
    if (this.done) return;
    const row = this.store.executions.byId(this.executionId);
    // The terminal event was sent before this subscription (sinceEventId at or past it): still say it closed.
    if (row && row.status !== 'RUNNING' && row.status !== 'PENDING_REDRIVE') this.close(row.status);
  }

  /** Waits until the socket holds at most `pauseAboveBytes`; false when the subscription is over meanwhile. */
  private async drained(): Promise<boolean> {
    while (this.out.open && !this.done && this.out.buffered() > this.limits.pauseAboveBytes) await sleep(10);
    return this.out.open && !this.done;
  }

  /**
   * Sends the events after `lastSentId`; sends `closed` after a terminal event. Catch-up messages are paced by
   * `drained` and exempt from the byte limit. Live batches go out in messages of about `chunkBytes`, each
   * checked against the limit, so a client that stops reading never holds much more than the limit.
   */
  private deliver(events: readonly HistoryEvent[], paced: boolean): void {
    let chunk: HistoryEvent[] = [];
    let bytes = 0;
    let last = this.lastSentId;
    for (const e of events) {
      if (e.id <= last) continue;
      last = e.id;
      chunk.push(e);
      bytes += approxSize(e);
      if (bytes >= this.limits.chunkBytes) {
        if (!this.sendChunk(chunk, paced)) return;
        chunk = [];
        bytes = 0;
      }
    }
    if (chunk.length > 0) this.sendChunk(chunk, paced);
  }

  private sendChunk(chunk: HistoryEvent[], paced: boolean): boolean {
    if (this.done) return false;
    const msg: ServerMessage = { type: 'events', executionArn: this.executionArn, events: chunk.map((e) => toWire(e) as Json) };
    if (!(paced ? this.out.control(msg) : this.out.send(msg))) {
      this.end();
      return false;
    }
    this.lastSentId = chunk[chunk.length - 1]!.id;
    const terminal = chunk.find((e) => TERMINAL_EVENTS[e.type] !== undefined);
    if (terminal) this.close(TERMINAL_EVENTS[terminal.type]!);
    return !this.done;
  }

  private close(status: string): void {
    this.out.control({ type: 'closed', executionArn: this.executionArn, status });
    this.end();
  }

  /** Stops the subscription (idempotent). */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    this.onEnd();
  }
}

/** Rough JSON size of an event: its payload strings dominate. */
function approxSize(e: HistoryEvent): number {
  let n = 200;
  for (const v of Object.values(e)) {
    if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) if (typeof x === 'string') n += x.length;
  }
  return n;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
