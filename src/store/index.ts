/** The durable store: one SQLite database, its repositories, and a transaction helper for group commit. */
import { openDatabase, type Db, type Durability } from './db.js';
import { executionRepo, type ExecutionRepo } from './executions.js';
import { functionRepo, type FunctionRepo } from './functions.js';
import { machineRepo, type MachineRepo } from './machines.js';

export type { Durability } from './db.js';
export type { ExecutionRow, NewExecution, StepWrite } from './executions.js';
export type { FunctionRow } from './functions.js';
export type { AliasRow, MachineRow, RevisionRow, VersionRow } from './machines.js';

export interface Store {
  readonly db: Db;
  readonly machines: MachineRepo;
  readonly executions: ExecutionRepo;
  readonly functions: FunctionRepo;
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Opens the store at `path` (':memory:' for a throw-away database). */
export function openStore(path: string, durability: Durability = 'normal'): Store {
  const db = openDatabase(path, durability);
  return {
    db,
    machines: machineRepo(db),
    executions: executionRepo(db),
    functions: functionRepo(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
  };
}
