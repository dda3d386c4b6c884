/**
 * A real server process for the queue restart test: the queue composition over the database in argv[2];
 * prints `PORT <n>` once listening. Run: node --import tsx test/triggers/queues-child.ts DB_FILE
 */
import { composeQueues } from './queues-compose.js';

const db = process.argv[2];
if (!db) {
  console.error('usage: queues-child.ts DB_FILE');
  process.exit(2);
}
const server = await composeQueues(db);
console.log(`PORT ${server.port}`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
