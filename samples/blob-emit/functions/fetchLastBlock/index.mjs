// fetchLastBlock(chainId): the chain's tip, i.e. its highest block (reserved or sealed), or height -1 for a new
// chain. Blocks are stored one file per height under chains/<chainId>/.
import { list } from './store.mjs';

export const handler = async ({ chainId }) => {
  const heights = list(`chains/${chainId}`).map(Number).filter(Number.isInteger);
  if (heights.length === 0) return { chainId, height: -1, blockId: null };
  const height = Math.max(...heights);
  return { chainId, height, blockId: `${chainId}:${height}` };
};
