// A tiny file-backed JSON store shared by the sample functions (each function folder holds an identical copy,
// so a function folder stays a self-contained deployment unit, as a Lambda zip or image would be).
// Records live as JSON files under $ASL_SAMPLES_DATA (default ./data/samples): <root>/<namespace>/<id>.json.
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = () => resolve(process.env.ASL_SAMPLES_DATA || './data/samples');

const seg = (s) => encodeURIComponent(String(s)).replace(/\./g, '%2E');
const dirOf = (ns) => join(root(), ...String(ns).split('/').map(seg));
const fileOf = (ns, id) => join(dirOf(ns), `${seg(id)}.json`);

/** The record stored under ns/id, or undefined. */
export function get(ns, id) {
  try {
    return JSON.parse(readFileSync(fileOf(ns, id), 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes ns/id atomically (temp file + rename): readers never see half a record. */
export function put(ns, id, value) {
  mkdirSync(dirOf(ns), { recursive: true });
  const file = fileOf(ns, id);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  renameSync(tmp, file);
  return value;
}

/** Creates ns/id only if it does not exist yet (O_EXCL); returns false when it already did. */
export function create(ns, id, value) {
  mkdirSync(dirOf(ns), { recursive: true });
  try {
    writeFileSync(fileOf(ns, id), JSON.stringify(value, null, 2), { flag: 'wx' });
    return true;
  } catch (e) {
    if (e.code === 'EEXIST') return false;
    throw e;
  }
}

/** Ids stored in ns (unsorted). */
export function list(ns) {
  try {
    return readdirSync(dirOf(ns))
      .filter((f) => f.endsWith('.json'))
      .map((f) => decodeURIComponent(f.slice(0, -'.json'.length)));
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
}

/** A Lambda-style error: Step Functions reports `errorType` as the Task's Error, matchable in Retry/Catch. */
export function fail(errorType, message) {
  const err = new Error(message);
  err.name = errorType;
  return err;
}
