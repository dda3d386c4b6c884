// blockStoreInsert: reserves height = tip + 1 with an exclusive create (optimistic concurrency). When another
// execution took that height first it fails with BlockHeightTaken and the state machine goes back to
// fetchLastBlock, so concurrent emits on one chain never fork it.
import { create } from './store.mjs';

export const handler = async ({ chainId, height, parent, blobHash }) => {
  const block = { blockId: `${chainId}:${height}`, chainId, height, parent, blobHash, status: 'reserved' };
  if (!create(`chains/${chainId}`, String(height), block)) {
    const err = new Error(`Height ${height} of chain ${chainId} is already taken`);
    err.name = 'BlockHeightTaken';
    throw err;
  }
  return block;
};
