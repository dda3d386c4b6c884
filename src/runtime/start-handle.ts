/** What Runner.start returns (runner.ts). */
import type { ExecutionResult, LiveExecution } from './live-execution.js';

/**
 * What Runner.start returns; `done` is made when first read. A class, not an object literal with its own
 * `get done()`: with the literal, every scavenge promoted the objects of all recent executions to the old
 * generation, for the full GCs to free (Express W4: ~1 MB per scavenge, measured; docs/performance.md). The likely
 * mechanism: the getter is a new closure each time, so each literal gets a hidden class of its own, kept in the
 * old generation, which keeps the closure and all it captures alive through the next scavenge.
 */
export class StartHandle {
  constructor(
    readonly live: LiveExecution, readonly committed: Promise<LiveExecution>,
    private made: Promise<ExecutionResult> | undefined, private readonly make: () => Promise<ExecutionResult>,
  ) {}

  get done(): Promise<ExecutionResult> {
    return (this.made ??= this.make());
  }
}
