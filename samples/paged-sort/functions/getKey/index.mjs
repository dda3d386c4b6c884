// getKey(key, offset, limit): one page of the list stored under `key`. The page is read from the version the
// plan saw; a newer write in between fails the page with KeyChanged instead of mixing two versions.
import { get } from './store.mjs';

export const handler = async ({ key, version, page, offset, limit }) => {
  const record = get('keyval', key);
  if (!record || record.version !== version) {
    const err = new Error(`Key ${key} changed while it was being sorted (planned version ${version})`);
    err.name = 'KeyChanged';
    throw err;
  }
  return { key, page, items: record.value.slice(offset, offset + limit) };
};
