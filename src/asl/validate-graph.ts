/**
 * Transition graph rules, per program scope (the machine, each Parallel branch, each Map processor: a
 * `Next` can only name a state of its own scope). AWS wording (measured, floci#2735/#2786, localstack#12487):
 * - a target that names no state: MISSING_TRANSITION_TARGET `Missing 'Next' target: X` at `/StartAt`,
 *   `/States/A/Next`, `/States/C/Choices[0]/Next`, `/States/C/Default` or `/States/T/Catch[0]/Next`;
 * - no terminal state in the top-level machine: MISSING_END_STATE `Workflow has no terminal state`, no
 *   location; it suppresses the unreachable-state walk of the top level (nested scopes are not checked);
 * - a state not reachable from StartAt: MISSING_TRANSITION_TARGET `State "X" is not reachable.` at the state.
 */
import { isJsonObject } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { Code, error, loc } from './diagnostics.js';
import { field, has, type StateVisit, type Walk } from './validate-walk.js';

interface Edge {
  target: string;
  at: string;
}

export function graphDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const program of w.programs) {
    if (!program.states) continue;
    const states = program.states;
    const edges = new Map<StateVisit, Edge[]>();
    for (const v of program.visits) edges.set(v, transitions(v));
    const startAt = field(program.node, 'StartAt');
    const startValid = typeof startAt === 'string' && has(states, startAt);
    if (typeof startAt === 'string' && !startValid) out.push(missing(startAt, loc(program.at, 'StartAt')));
    for (const list of edges.values()) {
      for (const e of list) if (!has(states, e.target)) out.push(missing(e.target, e.at));
    }
    if (program.topLevel && !program.visits.some(isTerminal)) {
      out.push(error(Code.MissingEnd, 'Workflow has no terminal state'));
      continue;
    }
    const reached = new Set<string>();
    const byName = new Map(program.visits.map((v) => [v.name, v]));
    const queue = startValid ? [startAt] : [];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (reached.has(name)) continue;
      reached.add(name);
      const v = byName.get(name);
      for (const e of v ? edges.get(v) ?? [] : []) if (!reached.has(e.target) && has(states, e.target)) queue.push(e.target);
    }
    for (const v of program.visits) {
      if (!reached.has(v.name)) out.push(error(Code.MissingTarget, `State "${v.name}" is not reachable.`, v.at));
    }
  }
  return out;
}

/**
 * ASL: state names are unique across the whole machine, nested branches and processors included
 * (DUPLICATE_STATE_NAME), and at most 80 characters long (INVALID_STATE_NAME).
 */
export function nameDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const v of w.states) {
    if (seen.has(v.name)) out.push(error(Code.DuplicateName, `Duplicate State name: ${v.name}`, v.at));
    seen.add(v.name);
    if ([...v.name].length > 80) out.push(error(Code.InvalidName, 'State name must be at most 80 characters long', v.at));
  }
  return out;
}

function missing(target: string, at: string): Diagnostic {
  return error(Code.MissingTarget, `Missing 'Next' target: ${target}`, at);
}

/** A state that can end its program: `"End": true`, Succeed or Fail. */
function isTerminal(v: StateVisit): boolean {
  const type = field(v.state, 'Type');
  return field(v.state, 'End') === true || type === 'Succeed' || type === 'Fail';
}

/** Every transition out of a state, with the location AWS reports a dangling one at. */
function transitions(v: StateVisit): Edge[] {
  const edges: Edge[] = [];
  const add = (target: unknown, at: string): void => {
    if (typeof target === 'string') edges.push({ target, at });
  };
  add(field(v.state, 'Next'), loc(v.at, 'Next'));
  if (field(v.state, 'Type') === 'Choice') {
    const choices = field(v.state, 'Choices');
    if (Array.isArray(choices)) {
      choices.forEach((rule, i) => isJsonObject(rule) && add(field(rule, 'Next'), loc(v.at, 'Choices', i, 'Next')));
    }
    add(field(v.state, 'Default'), loc(v.at, 'Default'));
  }
  const catchers = field(v.state, 'Catch');
  if (Array.isArray(catchers)) {
    catchers.forEach((c, i) => isJsonObject(c) && add(field(c, 'Next'), loc(v.at, 'Catch', i, 'Next')));
  }
  return edges;
}
