/**
 * Enumerates the programs (the state machine, each Parallel branch, each Map ItemProcessor/Iterator) and their
 * states, with AWS locations and each state's effective query language. Iterative, so nesting depth cannot
 * overflow the call stack; it tolerates any JSON (wrong types are the schema's business, not a crash here).
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';
import type { QueryLanguage } from './types.js';
import { loc } from './diagnostics.js';

/** One state as the rules see it. */
export interface StateVisit {
  name: string;
  state: JsonObject;
  /** AWS location of the state, e.g. `/States/M/ItemProcessor/States/P`. */
  at: string;
  /** Effective query language (see `effectiveLanguage`). */
  lang: QueryLanguage;
  program: Program;
}

/** A scope of state names: the top-level machine, a Parallel branch or a Map processor. */
export interface Program {
  /** Location of the object holding StartAt/States (`/` for the machine). */
  at: string;
  node: JsonObject;
  /** The `States` object, when it is one. */
  states?: JsonObject;
  topLevel: boolean;
  visits: StateVisit[];
}

export interface Walk {
  topLanguage: QueryLanguage;
  programs: Program[];
  states: StateVisit[];
}

/** Own keys of a JSON object (JSON.parse makes `__proto__` an own key; Object.keys lists it). */
export function keys(o: JsonObject): string[] {
  return Object.keys(o);
}

/** A field of a JSON object, own properties only. */
export function field(o: JsonObject, key: string): Json | undefined {
  return ownGet(o, key);
}

export function has(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * The language a field value selects. AWS (measured, floci#2968): JSONPath only when the value is exactly
 * "JSONPath"; absent inherits; anything else (wrong case, unknown, non-string) means JSONata. The enum/type
 * complaint about such a value is the schema's separate diagnostic.
 */
export function languageOf(value: Json | undefined, inherited: QueryLanguage): QueryLanguage {
  if (value === undefined) return inherited;
  return value === 'JSONPath' ? 'JSONPath' : 'JSONata';
}

/**
 * Walks every program and state. States inside a Parallel branch or a Map processor inherit the state
 * machine's top-level language, not the enclosing state's (AWS, measured: a Map declaring JSONata leaves its
 * ItemProcessor's states on the machine's JSONPath).
 */
export function walk(definition: JsonObject): Walk {
  const topLanguage = languageOf(field(definition, 'QueryLanguage'), 'JSONPath');
  const programs: Program[] = [];
  const states: StateVisit[] = [];
  const pending: Program[] = [makeProgram('/', definition, true)];
  while (pending.length > 0) {
    const program = pending.shift()!;
    programs.push(program);
    const children: Program[] = [];
    for (const name of program.states ? keys(program.states) : []) {
      const state = field(program.states!, name);
      if (!isJsonObject(state)) continue;
      const at = loc(program.at === '/' ? '' : program.at, 'States', name);
      const visit: StateVisit = { name, state, at, lang: languageOf(field(state, 'QueryLanguage'), topLanguage), program };
      program.visits.push(visit);
      states.push(visit);
      const type = field(state, 'Type');
      if (type === 'Parallel') {
        const branches = field(state, 'Branches');
        if (Array.isArray(branches)) {
          branches.forEach((b, i) => {
            if (isJsonObject(b)) children.push(makeProgram(loc(at, 'Branches', i), b, false));
          });
        }
      } else if (type === 'Map') {
        for (const key of ['ItemProcessor', 'Iterator']) {
          const p = field(state, key);
          if (isJsonObject(p)) children.push(makeProgram(loc(at, key), p, false));
        }
      }
    }
    pending.push(...children);
  }
  return { topLanguage, programs, states };
}

function makeProgram(at: string, node: JsonObject, topLevel: boolean): Program {
  const states = field(node, 'States');
  return isJsonObject(states) ? { at, node, states, topLevel, visits: [] } : { at, node, topLevel, visits: [] };
}

/** Maximum nesting depth of a JSON value, computed iteratively (stops counting past `limit`). */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    if (max > limit) return max;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return max;
}
