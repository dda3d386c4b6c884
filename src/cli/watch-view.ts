/**
 * The terminal rendering of `asl watch`: turns wire-shaped history events (GetExecutionHistory's shape,
 * timestamps in epoch seconds) into lines — states entered/exited with durations, task calls, retries, and the
 * final output or error. Pure: state lives in the returned closure, no I/O.
 *
 * Retries are read from the event links, as AWS records them: a retried Task does not re-enter its state; the
 * new `TaskScheduled` / `LambdaFunctionScheduled` / `ActivityScheduled` points (previousEventId) at the failure.
 */
export interface WireEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: number;
  [details: string]: unknown;
}

const MAX_PAYLOAD = 120;
const SCHEDULED = /^(Task|LambdaFunction|Activity)Scheduled$/;
const ATTEMPT_END = /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/;
const ATTEMPT_OK = /^(Task|LambdaFunction|Activity)Succeeded$/;

function details(e: WireEvent): Record<string, unknown> {
  const key = Object.keys(e).find((k) => k.endsWith('EventDetails'));
  const d = key === undefined ? undefined : e[key];
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
}

function short(text: unknown): string {
  const s = typeof text === 'string' ? text : JSON.stringify(text);
  if (s === undefined) return '';
  return s.length > MAX_PAYLOAD ? `${s.slice(0, MAX_PAYLOAD - 1)}…` : s;
}

function ms(seconds: number): string {
  const n = Math.round(seconds * 1000);
  return n < 1000 ? `${n}ms` : `${(n / 1000).toFixed(3)}s`;
}

function errorText(d: Record<string, unknown>): string {
  const error = typeof d['error'] === 'string' ? d['error'] : '(no error)';
  return typeof d['cause'] === 'string' && d['cause'] !== '' ? `${error}: ${short(d['cause'])}` : error;
}

/** Creates a view; `render(event)` returns the lines that event adds (often none). */
export function createWatchView() {
  let startedAt: number | undefined;
  const byId = new Map<number, { type: string; attempt: number; state: string }>();
  const entered = new Map<string, number[]>();

  const stamp = (e: WireEvent) => `[${(e.timestamp - (startedAt ?? e.timestamp)).toFixed(3).padStart(8)}s]`;

  return function render(e: WireEvent): string[] {
    const d = details(e);
    const prev = byId.get(e.previousEventId);
    let state = prev?.state ?? '';
    let attempt = prev?.attempt ?? 0;
    const lines: string[] = [];
    const at = () => stamp(e);

    if (e.type === 'ExecutionStarted') {
      startedAt = e.timestamp;
      lines.push(`${at()} ▶ execution started  input ${short(d['input'])}`);
    } else if (e.type.endsWith('StateEntered')) {
      state = String(d['name'] ?? '');
      const stack = entered.get(state) ?? [];
      stack.push(e.timestamp);
      entered.set(state, stack);
      lines.push(`${at()} → ${state} (${e.type.slice(0, -'StateEntered'.length)})`);
    } else if (e.type.endsWith('StateExited')) {
      state = String(d['name'] ?? '');
      const since = entered.get(state)?.shift();
      const took = since === undefined ? '' : `  ${ms(e.timestamp - since)}`;
      lines.push(`${at()} ← ${state}${took}  output ${short(d['output'])}`);
    } else if (SCHEDULED.test(e.type)) {
      const retried = prev !== undefined && ATTEMPT_END.test(prev.type);
      attempt = retried ? attempt + 1 : 1;
      const resource = [d['resourceType'], d['resource']].filter((x) => typeof x === 'string').join(':');
      if (retried) lines.push(`${at()}   ↻ retry ${attempt - 1} of ${state || 'task'}`);
      lines.push(`${at()}   ⇢ call ${resource}  ${short(d['parameters'] ?? d['input'] ?? '')}`.trimEnd());
    } else if (ATTEMPT_END.test(e.type)) {
      lines.push(`${at()}   ✗ ${e.type} ${errorText(d)}`);
    } else if (ATTEMPT_OK.test(e.type)) {
      lines.push(`${at()}   ✓ ${e.type}  ${short(d['output'])}`);
    } else if (e.type === 'ExecutionSucceeded') {
      lines.push(`${at()} ✓ SUCCEEDED in ${ms(e.timestamp - (startedAt ?? e.timestamp))}`, `output: ${String(d['output'] ?? '')}`);
    } else if (e.type === 'ExecutionFailed' || e.type === 'ExecutionAborted' || e.type === 'ExecutionTimedOut') {
      const status = { ExecutionFailed: 'FAILED', ExecutionAborted: 'ABORTED', ExecutionTimedOut: 'TIMED_OUT' }[e.type];
      lines.push(`${at()} ✗ ${status} after ${ms(e.timestamp - (startedAt ?? e.timestamp))}`, `error: ${errorText(d)}`);
    } else if (/^(Map|Parallel)(State|Iteration|Run)/.test(e.type)) {
      const index = typeof d['index'] === 'number' ? ` #${d['index']}` : '';
      lines.push(`${at()}   · ${e.type}${index}${/(Failed|Aborted)$/.test(e.type) ? ` ${errorText(d)}` : ''}`);
    }
    byId.set(e.id, { type: e.type, attempt, state });
    return lines;
  };
}
