/**
 * A real server process for the restart test: startServer (src/main.ts) over the database in argv[2], with a
 * fast keepalive; prints `PORT <n>` once listening.
 * Run: node --import tsx test/stream/server-child.ts DB_FILE
 */
import { compose } from './compose.js';

const db = process.argv[2];
if (!db) {
  console.error('usage: server-child.ts DB_FILE');
  process.exit(2);
}
const server = await compose(db, { pingIntervalMs: 1000 });
console.log(`PORT ${server.port}`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
