import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { EventBus } from '../../src/bus/event-bus';
import { createInProcessEventBus } from '../../src/bus/in-process-event-bus';
import { createRedisEventBus } from '../../src/bus/redis-event-bus';
import { openPgDatabase, quoteIdentifier } from '../../src/storage/pg-database';
import { openPgliteDatabase } from '../../src/storage/pglite-database';
import type { SqlDatabase } from '../../src/storage/sql-database';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

/**
 * The storage and bus one test file runs against: PGlite and the in-process bus by default, real
 * Postgres (in a schema of its own, dropped at the end) and Redis when TEST_DATABASE_URL and
 * TEST_REDIS_URL are set.
 */
export type TestBackend = {
  kind: 'pglite' | 'postgres';
  busKind: 'in-process' | 'redis';
  /** A database handle for one server instance; instances share the data. */
  openDatabase(options?: { applicationName?: string }): Promise<SqlDatabase>;
  /** A bus for one server instance; instances hear each other. */
  openBus(options?: { redisUrl?: string }): EventBus;
  redisUrl: string | undefined;
  /** Unique per file, for rate-limit keys in a shared Redis. */
  namespace: string;
  /** Runs SQL as the test (for dumps and fault injection), in the file's schema. */
  admin: SqlDatabase;
  schema: string | undefined;
  close(): Promise<void>;
};

export async function openTestBackend(): Promise<TestBackend> {
  const namespace = `cftest-${randomBytes(6).toString('hex')}:`;
  const toClose: Array<() => Promise<void>> = [];
  const sharedBus = createInProcessEventBus();
  const openBus = (options?: { redisUrl?: string }) => {
    const url = options?.redisUrl ?? TEST_REDIS_URL;
    if (!url) return sharedBus;
    const bus = createRedisEventBus({ url });
    toClose.push(() => bus.close());
    return bus;
  };

  if (TEST_DATABASE_URL) {
    const schema = `cftest_${randomBytes(6).toString('hex')}`;
    const setup = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await setup.connect();
    await setup.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await setup.end();
    const admin = openPgDatabase({
      connectionString: TEST_DATABASE_URL,
      schema,
      onError: () => {},
    });
    return {
      kind: 'postgres',
      busKind: TEST_REDIS_URL ? 'redis' : 'in-process',
      openDatabase: async (options) => {
        const db = openPgDatabase({
          connectionString: TEST_DATABASE_URL,
          schema,
          applicationName: options?.applicationName,
          onError: () => {},
        });
        toClose.push(() => db.close());
        return db;
      },
      openBus,
      redisUrl: TEST_REDIS_URL,
      namespace,
      admin,
      schema,
      close: async () => {
        for (const close of toClose.reverse()) await close().catch(() => undefined);
        await admin.query(`DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
        await admin.close();
      },
    };
  }

  // One PGlite per file: it takes seconds to start, and every instance in the file shares it.
  const db = await openPgliteDatabase({});
  const shared: SqlDatabase = { ...db, close: async () => undefined };
  return {
    kind: 'pglite',
    busKind: TEST_REDIS_URL ? 'redis' : 'in-process',
    openDatabase: async () => shared,
    openBus,
    redisUrl: TEST_REDIS_URL,
    namespace,
    admin: shared,
    schema: undefined,
    close: async () => {
      for (const close of toClose.reverse()) await close().catch(() => undefined);
      await db.close();
    },
  };
}
