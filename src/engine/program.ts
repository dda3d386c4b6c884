/**
 * compile(): a validated definition → an immutable Program. Every state of the machine (including those nested
 * in Parallel branches and Map processors) is resolved once: its effective query language, its sub-programs,
 * and a stable `path` that engine frames use to find it again after a JSON round trip.
 */
import type {
  QueryLanguage, State, StateMachineDefinition, SubProgram, MapState,
} from '../asl/types.js';

/** One state with everything resolved at compile time. */
export interface CompiledState {
  name: string;
  def: State;
  /** Effective query language: the state's own, else the definition's, else JSONPath (ASL spec). */
  ql: QueryLanguage;
  /** Parallel: one sub-program per branch. Map: `[processor]`. */
  children: Machine[];
  /**
   * The state named by `Next`, resolved once so the per-state loop (run.ts advance) need not look it up by
   * name again. Non-enumerable: a loop of states makes this a cycle, which JSON and deep equality must not see.
   */
  readonly next?: CompiledState;
}

/** A (sub-)program: top level, a Parallel branch or a Map processor. */
export interface Machine {
  /** Stable id: '' for the top level, `${parentPath}/${stateName}#${i}` for nested ones. */
  path: string;
  startAt: string;
  states: Record<string, CompiledState>;
  /** Map processor mode (INLINE when absent). */
  mode: 'INLINE' | 'DISTRIBUTED';
}

export interface Program {
  definition: StateMachineDefinition;
  root: Machine;
  /** Every machine by path, so frames only need to store a path string. */
  machines: Record<string, Machine>;
  timeoutSeconds?: number;
  queryLanguage: QueryLanguage;
}

function compileMachine(
  sub: SubProgram, path: string, ql: QueryLanguage, machines: Record<string, Machine>,
  mode: 'INLINE' | 'DISTRIBUTED' = 'INLINE',
): Machine {
  const states: Record<string, CompiledState> = {};
  const m: Machine = { path, startAt: sub.StartAt, states, mode };
  machines[path] = m;
  for (const [name, def] of Object.entries(sub.States)) {
    const own = def.QueryLanguage ?? ql;
    const children: Machine[] = [];
    if (def.Type === 'Parallel') {
      def.Branches.forEach((b, i) => children.push(compileMachine(b, `${path}/${name}#${i}`, own, machines)));
    } else if (def.Type === 'Map') {
      const proc = processorOf(def);
      if (proc) {
        const mode = proc.ProcessorConfig?.Mode ?? 'INLINE';
        children.push(compileMachine(proc, `${path}/${name}#0`, own, machines, mode));
      }
    }
    states[name] = { name, def, ql: own, children };
  }
  for (const cs of Object.values(states)) {
    const next = 'Next' in cs.def && typeof cs.def.Next === 'string' ? states[cs.def.Next] : undefined;
    if (next) Object.defineProperty(cs, 'next', { value: next, enumerable: false });
  }
  return m;
}

/** ItemProcessor, or the deprecated Iterator. */
export function processorOf(def: MapState): SubProgram | undefined {
  return def.ItemProcessor ?? def.Iterator;
}

/** Resolve a validated definition into an immutable Program. */
export function compile(definition: StateMachineDefinition): Program {
  const queryLanguage = definition.QueryLanguage ?? 'JSONPath';
  const machines: Record<string, Machine> = {};
  const root = compileMachine(definition, '', queryLanguage, machines);
  const program: Program = { definition, root, machines, queryLanguage };
  if (definition.TimeoutSeconds !== undefined) program.timeoutSeconds = definition.TimeoutSeconds;
  return Object.freeze(program);
}

/** The compiled state a frame points at; throws on a corrupt path (a bug, never user input). */
export function stateAt(program: Program, machinePath: string, name: string): CompiledState {
  const s = program.machines[machinePath]?.states[name];
  if (!s) throw new Error(`engine: no state '${name}' in machine '${machinePath}'`);
  return s;
}
