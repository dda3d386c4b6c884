/**
 * The in-process event bus between the runner and the stream: the runner publishes an execution's new history
 * events right after the transaction that stored them has committed (commit-then-publish), so anything a
 * listener sees is already readable from the store. Publishing is synchronous and never waits on a listener:
 * a slow WebSocket client must never slow the engine down.
 */
import type { HistoryEvent } from '../engine/contract.js';

export type BusListener = (executionArn: string, events: readonly HistoryEvent[]) => void;

export interface EventBus {
  /** Feeds the bus; pass it as `createService({ onEvents: bus.publish })`. Never throws. */
  readonly publish: (executionArn: string, events: HistoryEvent[]) => void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: BusListener): () => void;
  /** Listeners currently attached (for tests and diagnostics). */
  size(): number;
}

/** Creates a bus. `onError` hears a listener's exception (it is swallowed so the runner's `act` goes on). */
export function createEventBus(onError?: (e: unknown) => void): EventBus {
  const listeners = new Set<BusListener>();
  return {
    publish(executionArn, events) {
      if (events.length === 0) return;
      // Iterate over a copy: a listener may unsubscribe itself (or others) while being called.
      for (const l of [...listeners]) {
        try {
          l(executionArn, events);
        } catch (e) {
          onError?.(e);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    size: () => listeners.size,
  };
}
