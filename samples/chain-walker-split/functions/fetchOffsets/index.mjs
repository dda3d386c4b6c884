// fetchOffsets: splits the walk from `blockId` down to genesis into (at most) `segments` contiguous height
// ranges and checks that the top block of each exists. Each segment is walked from `cursor` down to
// `stopHeight` (inclusive); the segments are listed top first, so concatenating their paths gives the full walk.
import { get } from './store.mjs';

function fail(name, message) {
  const err = new Error(message);
  err.name = name;
  return err;
}

export const handler = async ({ blockId, segments = 4 }) => {
  const at = typeof blockId === 'string' ? blockId.lastIndexOf(':') : -1;
  if (at < 1) throw fail('BlockNotFound', `Block ${blockId} does not exist`);
  const chainId = blockId.slice(0, at);
  const top = get(`chains/${chainId}`, blockId.slice(at + 1));
  if (!top) throw fail('BlockNotFound', `Block ${blockId} does not exist`);
  const count = top.height + 1;
  const size = Math.ceil(count / Math.max(1, Math.min(segments, count)));
  const out = [];
  for (let hi = top.height; hi >= 0; hi -= size) {
    const cursor = `${chainId}:${hi}`;
    if (!get(`chains/${chainId}`, String(hi))) throw fail('BlockNotFound', `Block ${cursor} does not exist`);
    out.push({ cursor, stopHeight: Math.max(0, hi - size + 1) });
  }
  return { start: blockId, segments: out };
};
