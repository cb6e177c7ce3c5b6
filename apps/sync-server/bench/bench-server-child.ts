/*
 * The server side of the benchmark, in its own process so that the load generator does not
 * share its event loop: the sync server over the chosen storage, and a bare Fastify route as the
 * baseline. Prints one JSON line `{ "url": ..., "helloUrl": ... }` once both listen.
 *   node --import tsx bench-server-child.ts '<json options>'
 */
import Fastify from 'fastify';
import { z } from 'zod';
import { createInProcessEventBus } from '../src/bus/in-process-event-bus';
import { createRedisEventBus } from '../src/bus/redis-event-bus';
import { createSyncServer } from '../src/server';
import { openPgDatabase } from '../src/storage/pg-database';
import { openPgliteDatabase } from '../src/storage/pglite-database';

const options = z
  .object({
    databaseUrl: z.string().optional(),
    schema: z.string().optional(),
    redisUrl: z.string().optional(),
  })
  .parse(JSON.parse(process.argv[2] ?? '{}'));

const db = options.databaseUrl
  ? openPgDatabase({
      connectionString: options.databaseUrl,
      schema: options.schema,
      maxConnections: 16,
    })
  : await openPgliteDatabase({});
const bus = options.redisUrl
  ? createRedisEventBus({ url: options.redisUrl })
  : createInProcessEventBus();
const server = await createSyncServer({
  config: {
    host: '127.0.0.1',
    port: 0,
    tokenSecret: 'bench-secret-bench-secret-bench-secret-0',
    logLevel: 'silent',
    redisUrl: options.redisUrl,
    // Sign-up of hundreds of devices is setup, not the figure measured: cheap hashing.
    passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
    rateLimits: {
      perIp: 10_000_000,
      perAccount: 10_000_000,
      windowMs: 60_000,
      passwordPerAccountAndIp: { max: 10_000_000, windowMs: 60_000 },
      passwordPerAccount: [{ max: 10_000_000, windowMs: 60_000 }],
      signUpPerIp: { max: 10_000_000, windowMs: 60_000 },
    },
  },
  db,
  bus,
  rateLimitNamespace: `bench-${process.pid}:`,
});
const url = await server.listen();

const hello = Fastify({ logger: false });
hello.get('/hello', async () => ({ hello: 'world' }));
await hello.listen({ host: '127.0.0.1', port: 0 });
const address = hello.server.address();
const helloUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hello`;

console.log(JSON.stringify({ url, helloUrl }));

process.on('SIGTERM', () => {
  void (async () => {
    await hello.close();
    await server.close();
    await bus.close();
    await db.close();
    process.exit(0);
  })();
});
