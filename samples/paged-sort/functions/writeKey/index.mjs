// writeKey: stores one sorted page under sorted/<key>/<page>. `writes` counts how often the page was written,
// which makes a duplicate run visible (the dedupe test expects 1).
import { get, put } from './store.mjs';

export const handler = async ({ key, page, items }) => {
  const previous = get(`sorted/${key}`, String(page));
  const record = { key, page, items, writes: (previous?.writes ?? 0) + 1 };
  put(`sorted/${key}`, String(page), record);
  return { page, items, writes: record.writes };
};
