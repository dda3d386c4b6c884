/**
 * Per-state semantic rules a JSON schema cannot express: Next xor End, mutually exclusive field pairs, Wait's
 * single wait field, RFC 3339 timestamps, integer fields that only JSONata may write as `{% %}` strings,
 * Retry/Catch `States.ALL` placement, and the Map processor. AWS words exclusive pairs as
 * `There should only be one of the following fields: [MaxItems, MaxItemsPath]` (measured).
 */
import { isJsonObject, type Json } from '../util/json.js';
import type { Diagnostic } from './types.js';
import { isTimestamp } from '../util/time.js';
import { loc, schemaError } from './diagnostics.js';
import { field, has, type StateVisit, type Walk } from './validate-walk.js';
import { isExpression } from './validate-language.js';

const EXCLUSIVE: [string, string][] = [
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
  ['ItemProcessor', 'Iterator'],
  ['ItemSelector', 'Parameters'],
];
const SUB_EXCLUSIVE: [string, string, string][] = [
  ['ItemBatcher', 'MaxItemsPerBatch', 'MaxItemsPerBatchPath'],
  ['ItemBatcher', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'],
];
/** Integer-valued fields a JSONata state may write as a `{% %}` expression instead. */
const INTEGER_FIELDS = ['Seconds', 'TimeoutSeconds', 'HeartbeatSeconds', 'MaxConcurrency', 'ToleratedFailureCount'];
const WAIT_FIELDS = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'];
const TRANSITIONING = new Set(['Pass', 'Task', 'Wait', 'Parallel', 'Map']);

export function stateDiagnostics(w: Walk): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of w.states) {
    const type = field(v.state, 'Type');
    if (typeof type === 'string' && TRANSITIONING.has(type)) checkTransition(v, out);
    for (const [a, b] of EXCLUSIVE) {
      if (has(v.state, a) && has(v.state, b)) out.push(onlyOne([a, b], loc(v.at, a)));
    }
    for (const [sub, a, b] of SUB_EXCLUSIVE) {
      const o = field(v.state, sub);
      if (isJsonObject(o) && has(o, a) && has(o, b)) out.push(onlyOne([a, b], loc(v.at, sub, a)));
    }
    const reader = field(v.state, 'ItemReader');
    const config = isJsonObject(reader) ? field(reader, 'ReaderConfig') : undefined;
    if (isJsonObject(config) && has(config, 'MaxItems') && has(config, 'MaxItemsPath')) {
      out.push(onlyOne(['MaxItems', 'MaxItemsPath'], loc(v.at, 'ItemReader', 'ReaderConfig', 'MaxItems')));
    }
    checkIntegerStrings(v, out);
    if (type === 'Wait') checkWait(v, out);
    if (type === 'Map' && !has(v.state, 'ItemProcessor') && !has(v.state, 'Iterator')) {
      out.push(schemaError('These fields are required: [ItemProcessor]', v.at));
    }
    const timeout = field(v.state, 'TimeoutSeconds');
    const heartbeat = field(v.state, 'HeartbeatSeconds');
    // ASL: "the HeartbeatSeconds interval MUST be smaller than the TimeoutSeconds value".
    if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
      out.push(schemaError('HeartbeatSeconds must be smaller than TimeoutSeconds', loc(v.at, 'HeartbeatSeconds')));
    }
    if (type === 'Map') checkResultWriter(v, out);
    checkErrorEquals(field(v.state, 'Retry'), loc(v.at, 'Retry'), 'retrier', out);
    checkErrorEquals(field(v.state, 'Catch'), loc(v.at, 'Catch'), 'catcher', out);
  }
  return out;
}

function onlyOne(fields: string[], at: string): Diagnostic {
  return schemaError(`There should only be one of the following fields: [${fields.join(', ')}]`, at);
}

/** ASL: a non-terminal state has exactly one of `Next` and `"End": true`. */
function checkTransition(v: StateVisit, out: Diagnostic[]): void {
  const end = field(v.state, 'End') === true;
  const next = has(v.state, 'Next');
  if (end && next) out.push(onlyOne(['Next', 'End'], v.at));
  else if (!end && !next) out.push(schemaError('One of the following fields is required: [Next, End]', v.at));
}

/** In JSONPath states these fields are integers; in JSONata states a string must be a `{% %}` expression. */
function checkIntegerStrings(v: StateVisit, out: Diagnostic[]): void {
  const check = (value: Json | undefined, at: string, typeName: string): void => {
    if (typeof value !== 'string') return;
    if (v.lang === 'JSONPath' || !isExpression(value)) out.push(schemaError(`Expected value of type [${typeName}]`, at));
  };
  for (const f of INTEGER_FIELDS) check(field(v.state, f), loc(v.at, f), 'INTEGER');
  check(field(v.state, 'ToleratedFailurePercentage'), loc(v.at, 'ToleratedFailurePercentage'), 'NUMBER');
  const batcher = field(v.state, 'ItemBatcher');
  if (isJsonObject(batcher)) {
    for (const f of ['MaxItemsPerBatch', 'MaxInputBytesPerBatch']) check(field(batcher, f), loc(v.at, 'ItemBatcher', f), 'INTEGER');
  }
  const reader = field(v.state, 'ItemReader');
  const config = isJsonObject(reader) ? field(reader, 'ReaderConfig') : undefined;
  if (isJsonObject(config)) check(field(config, 'MaxItems'), loc(v.at, 'ItemReader', 'ReaderConfig', 'MaxItems'), 'INTEGER');
  for (const f of ['Arguments', 'ItemSelector', 'Credentials']) {
    const value = field(v.state, f);
    if (typeof value === 'string' && (v.lang === 'JSONPath' || !isExpression(value))) {
      out.push(schemaError('Expected value of type [OBJECT]', loc(v.at, f)));
    }
  }
}

/** Wait: exactly one of Seconds/SecondsPath/Timestamp/TimestampPath; a literal Timestamp is RFC 3339. */
function checkWait(v: StateVisit, out: Diagnostic[]): void {
  const present = WAIT_FIELDS.filter((f) => has(v.state, f));
  if (present.length === 0) out.push(schemaError(`One of the following fields is required: [${WAIT_FIELDS.join(', ')}]`, v.at));
  if (present.length > 1) out.push(onlyOne(present, loc(v.at, present[0]!)));
  const ts = field(v.state, 'Timestamp');
  // A JSONPath state takes the text literally: even "{% '2016-03-14T01:59:00Z' %}" fails (AWS, recorded).
  if (typeof ts === 'string' && !(v.lang === 'JSONata' && isExpression(ts)) && !isTimestamp(ts)) {
    out.push(schemaError('String does not match RFC3339 timestamp', loc(v.at, 'Timestamp')));
  }
}

/** Distributed Map ResultWriter: a Resource (with its Parameters/Arguments) and/or a WriterConfig. */
function checkResultWriter(v: StateVisit, out: Diagnostic[]): void {
  const writer = field(v.state, 'ResultWriter');
  if (!isJsonObject(writer)) return;
  const at = loc(v.at, 'ResultWriter');
  if (!has(writer, 'Resource') && !has(writer, 'WriterConfig')) {
    out.push(schemaError('One of the following fields is required: [Resource, WriterConfig]', at));
  } else if (has(writer, 'Resource') && !has(writer, 'Parameters') && !has(writer, 'Arguments')) {
    out.push(schemaError(`These fields are required: [${v.lang === 'JSONata' ? 'Arguments' : 'Parameters'}]`, at));
  }
}

/**
 * ASL "Retrying after an error" / "Fallback states": `States.ALL` must appear alone in its ErrorEquals and
 * only in the last retrier (catcher).
 */
function checkErrorEquals(list: Json | undefined, at: string, what: string, out: Diagnostic[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    if (!isJsonObject(entry)) return;
    const errors = field(entry, 'ErrorEquals');
    if (!Array.isArray(errors) || !errors.includes('States.ALL')) return;
    const here = loc(at, i, 'ErrorEquals');
    if (errors.length > 1) out.push(schemaError("'States.ALL' must appear alone in 'ErrorEquals'", here));
    if (i !== list.length - 1) out.push(schemaError(`'States.ALL' must appear in the last ${what}`, here));
  });
}
