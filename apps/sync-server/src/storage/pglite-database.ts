import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataFolder } from './data-folder-lock';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow } from './sql-database';

/** Postgres's type id of `bytea`. */
const BYTEA_OID = 17;

/**
 * `bytea` in Postgres's hex text form (`\\x0a1b…`) through Node's native hex codec. PGlite's own
 * codec converts byte by byte in JavaScript (`parseInt` of each pair, `Array.from(...).map`):
 * reading a 1,000-change pull page took 230-330 ms that way and 40-70 ms this way, the most
 * of a pull's time on the server.
 */
const byteaCodec = {
  parsers: {
    [BYTEA_OID]: (text: string): Uint8Array => {
      if (!text.startsWith('\\x')) throw new TypeError('expected bytea in hex form');
      return Buffer.from(text.slice(2), 'hex');
    },
  },
  serializers: {
    [BYTEA_OID]: (value: unknown): string => {
      if (!(value instanceof Uint8Array)) throw new TypeError('expected a Uint8Array for bytea');
      return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
    },
  },
};

/**
 * PGlite is one Postgres backend in this process: it runs one statement at a time, and its
 * `transaction()` holds that backend until the transaction ends, which is what serialises
 * concurrent pushes here (the per-user counter row lock does it on real Postgres).
 */
export async function openPgliteDatabase(options: { dataDir?: string }): Promise<SqlDatabase> {
  // One process per data folder: a second one refuses to start (see data-folder-lock.ts).
  const lock = options.dataDir ? lockDataFolder(options.dataDir) : undefined;
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...byteaCodec,
  }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  let closed = false;
  // The one backend is the whole "pool": statements beyond the first wait their turn.
  let pending = 0;
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    pending++;
    try {
      return await work();
    } finally {
      pending--;
    }
  };
  return {
    kind: 'pglite',
    query: (text, params) => counted(() => runQuery(db, text, params)),
    execScript: (sql) =>
      counted(async () => {
        await db.exec(sql);
      }),
    transaction: (work) =>
      counted(() =>
        db.transaction((tx) =>
          work({
            query: (text, params) => runQuery(tx, text, params),
            execScript: async (sql) => {
              await tx.exec(sql);
            },
          } satisfies SqlExecutor),
        ),
      ),
    ping: async () => {
      if (closed) throw new Error('database closed');
      await db.query('SELECT 1');
    },
    poolStats: () => ({
      open: 1,
      idle: pending === 0 ? 1 : 0,
      waiting: Math.max(0, pending - 1),
      max: 1,
      acquires: 0,
      acquireWaitSeconds: 0,
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.close();
      lock?.release();
    },
  };
}

async function runQuery<R extends SqlRow>(
  db: PGlite | Transaction,
  text: string,
  params?: readonly unknown[],
): Promise<SqlResult<R>> {
  const result = await db.query<R>(text, params ? [...params] : undefined);
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}
