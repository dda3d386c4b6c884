// blockBuilder: seals a reserved block. Its hash covers the block id, the parent id and the blob hash, so it
// is deterministic: the same blobs emitted in the same order give the same chain.
import { createHash } from 'node:crypto';
import { get, put } from './store.mjs';

export const handler = async ({ block, size }) => {
  const stored = get(`chains/${block.chainId}`, String(block.height));
  if (!stored || stored.blobHash !== block.blobHash) {
    const err = new Error(`Block ${block.blockId} is not reserved for blob ${block.blobHash}`);
    err.name = 'BlockNotReserved';
    throw err;
  }
  const hash = createHash('sha256').update(`${block.blockId}|${block.parent ?? ''}|${block.blobHash}`).digest('hex');
  return put(`chains/${block.chainId}`, String(block.height), { ...stored, size, hash, status: 'sealed' });
};
