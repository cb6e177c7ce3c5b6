import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataFolder } from './data-folder-lock';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow } from './sql-database';

/**
 * PGlite is one Postgres backend in this process: it runs one statement at a time, and its
 * `transaction()` holds that backend until the transaction ends, which is what serialises
 * concurrent pushes here (the per-user counter row lock does it on real Postgres).
 */
export async function openPgliteDatabase(options: { dataDir?: string }): Promise<SqlDatabase> {
  // One process per data folder: a second one refuses to start (see data-folder-lock.ts).
  const lock = options.dataDir ? lockDataFolder(options.dataDir) : undefined;
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {}).catch(
    (error: unknown) => {
      lock?.release();
      throw error;
    },
  );
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
