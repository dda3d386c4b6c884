/**
 * How a Task call learns that the runner stopped waiting for it (CancelTask, the execution ended, shutdown): the
 * part of AbortSignal the dispatchers use, so an AbortSignal still does, and TaskCancel, the runner's own.
 *
 * Why not an AbortController per call: on Node 20 each one left objects that survived the next scavenge and were
 * promoted to the old generation, to be freed only by a full GC — ~140 KB promoted per scavenge in Express W5,
 * none with TaskCancel (measured with --trace-gc-nvp; docs/performance.md).
 */

export interface CancelSignal {
  readonly aborted: boolean;
  /** `listener` runs once, when the call is abandoned; never if that already happened. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
}

export class TaskCancel implements CancelSignal {
  aborted = false;
  private listeners: (() => void)[] | undefined;

  /** The signal side (itself), as AbortController.signal. */
  get signal(): CancelSignal {
    return this;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  /** Abandons the call: every listener runs once; one that throws is reported as an uncaught error, as EventTarget does. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) {
      for (const listener of listeners) {
        try {
          listener();
        } catch (err) {
          queueMicrotask(() => { throw err; });
        }
      }
    }
  }
}
