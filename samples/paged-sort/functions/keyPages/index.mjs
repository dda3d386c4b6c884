// keyPages(key, pageSize): plans the fan-out. Reads the list stored under `key` in the key-value store (as
// written by the key-value-write sample) and returns one work item per page.
import { get } from './store.mjs';

function fail(name, message) {
  const err = new Error(message);
  err.name = name;
  return err;
}

export const handler = async ({ key, pageSize = 100 }) => {
  const record = get('keyval', key);
  if (!record) throw fail('KeyNotFound', `No value is stored under key ${key}`);
  if (!Array.isArray(record.value)) throw fail('NotAList', `The value under key ${key} is not a JSON array`);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw fail('InvalidPageSize', '"pageSize" must be a positive integer');
  const pages = [];
  for (let offset = 0; offset < record.value.length; offset += pageSize) {
    pages.push({ key, version: record.version, page: pages.length, offset, limit: pageSize });
  }
  return { key, version: record.version, total: record.value.length, pages };
};
