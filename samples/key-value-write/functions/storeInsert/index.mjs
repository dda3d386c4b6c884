// storeInsert: persists { key, value } in the file-backed sample store (namespace "keyval") and answers with
// the new version and the value it replaced, so a second write of the same key reads the first one back.
import { get, put } from './store.mjs';

export const handler = async ({ key, value }) => {
  const previous = get('keyval', key);
  const record = { key, value, version: (previous?.version ?? 0) + 1, updatedAt: new Date().toISOString() };
  put('keyval', key, record);
  return { key, version: record.version, previous: previous === undefined ? null : previous.value };
};
