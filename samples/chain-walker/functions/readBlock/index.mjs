// readBlock: one step of a chain walk. Reads the block at `cursor`, appends its id to `path` and moves the
// cursor to the parent; `done` turns true at the genesis block or once the walk has passed `stopHeight`
// (the lower bound of a segment in the split variant). The walk state travels through the state machine,
// so the function itself stays stateless.
import { get } from './store.mjs';

function blockNotFound(blockId) {
  const err = new Error(`Block ${blockId} does not exist`);
  err.name = 'BlockNotFound';
  return err;
}

export const handler = async ({ cursor, stopHeight = 0, path = [], ...rest }) => {
  const at = typeof cursor === 'string' ? cursor.lastIndexOf(':') : -1;
  if (at < 1) throw blockNotFound(String(cursor));
  const block = get(`chains/${cursor.slice(0, at)}`, cursor.slice(at + 1));
  if (!block) throw blockNotFound(cursor);
  // The pid tells the execution environments apart (chain-walker's sample.json gives readBlock four).
  console.log(`read ${cursor} in environment pid=${process.pid}`);
  const done = block.parent === null || block.height <= stopHeight;
  return { ...rest, cursor: done ? null : block.parent, stopHeight, path: [...path, block.blockId], done };
};
