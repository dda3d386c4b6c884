/**
 * The details member of a history event: its name by event type (AWS GetExecutionHistory shape) and the
 * details object without undefined members.
 */
import type { Json } from '../util/json.js';

/** The details without undefined members; the object itself when it has none (the common case: no copy). */
export function stripUndefined(o: Record<string, Json | undefined>): Json {
  for (const k in o) {
    if (o[k] === undefined) {
      const out: Record<string, Json> = {};
      for (const key in o) {
        const v = o[key];
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
  return o as Record<string, Json>;
}

/** detailsKey by event type: a handful of types recur on every state, so each is worked out once. */
const detailsKeys = new Map<string, string | null>();

/** The `*EventDetails` member AWS uses for an event type (GetExecutionHistory shape). */
export function detailsKey(type: string): string | undefined {
  // One lookup: null caches "no details member" (most event types recur on every state).
  const hit = detailsKeys.get(type);
  if (hit !== undefined) return hit ?? undefined;
  const key = computeDetailsKey(type);
  if (detailsKeys.size < 1024) detailsKeys.set(type, key ?? null);
  return key;
}

function computeDetailsKey(type: string): string | undefined {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  const special: Record<string, string> = {
    MapStateStarted: 'mapStateStartedEventDetails',
    EvaluationFailed: 'evaluationFailedEventDetails',
  };
  if (special[type]) return special[type];
  if (/^(MapState|ParallelState)(Succeeded|Failed|Aborted|Started)$/.test(type)) return undefined;
  if (type === 'LambdaFunctionStarted' || /^MapRun(Succeeded|Aborted)$/.test(type)) return undefined;
  if (/^(TaskStateAborted|WaitStateAborted)$/.test(type)) return undefined;
  return `${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`;
}
