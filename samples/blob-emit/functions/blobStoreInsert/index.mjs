// blobStoreInsert: stores the blob under its hash (content-addressed, so an identical blob is stored once) and
// remembers every block that carries it.
import { get, put } from './store.mjs';

export const handler = async ({ blob, blobHash, blockId }) => {
  const existing = get('blobs', blobHash);
  const blockIds = [...new Set([...(existing?.blockIds ?? []), blockId])];
  put('blobs', blobHash, { blobHash, size: Buffer.byteLength(blob, 'utf8'), blob, blockIds });
  return { blobHash, blockIds };
};
