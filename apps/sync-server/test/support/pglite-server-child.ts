/*
 * A sync server over PGlite in a data folder, in its own process so that a test can SIGKILL it
 * mid-push like a crash. Prints `listening <url>` once ready. Usage:
 *   node --import tsx pglite-server-child.ts <dataDir>
 */
import { createInProcessEventBus } from '../../src/bus/in-process-event-bus';
import { createSyncServer } from '../../src/server';
import { openPgliteDatabase } from '../../src/storage/pglite-database';
import { TEST_TOKEN_SECRET } from './harness';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: pglite-server-child.ts <dataDir>');
const server = await createSyncServer({
  config: {
    host: '127.0.0.1',
    port: 0,
    tokenSecret: TEST_TOKEN_SECRET,
    logLevel: 'silent',
    passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
  },
  db: await openPgliteDatabase({ dataDir }),
  bus: createInProcessEventBus(),
});
console.log(`listening ${await server.listen()}`);
