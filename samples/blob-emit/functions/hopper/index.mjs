// hopper(blob, chainId): the entry of the pipeline. Checks the request and fingerprints the blob (SHA-256),
// so every later step works with the hash and only blobStoreInsert touches the payload again.
import { createHash } from 'node:crypto';

const CHAIN = /^[A-Za-z0-9_-]{1,64}$/;

function invalid(message) {
  const err = new Error(message);
  err.name = 'InvalidBlob';
  return err;
}

export const handler = async ({ blob, chainId } = {}) => {
  if (typeof chainId !== 'string' || !CHAIN.test(chainId)) throw invalid('"chainId" must be 1-64 characters of [A-Za-z0-9_-]');
  if (typeof blob !== 'string' || blob === '') throw invalid('"blob" must be a non-empty string');
  const size = Buffer.byteLength(blob, 'utf8');
  return { chainId, blob, size, blobHash: createHash('sha256').update(blob, 'utf8').digest('hex') };
};
