import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow } from './sql-database';

/**
 * PGlite is one Postgres backend in this process: it runs one statement at a time, and its
 * `transaction()` holds that backend until the transaction ends, which is what serialises
 * concurrent pushes here (the per-user counter row lock does it on real Postgres).
 */
export async function openPgliteDatabase(options: { dataDir?: string }): Promise<SqlDatabase> {
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  let closed = false;
  return {
    kind: 'pglite',
    query: (text, params) => runQuery(db, text, params),
    execScript: async (sql) => {
      await db.exec(sql);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: (text, params) => runQuery(tx, text, params),
          execScript: async (sql) => {
            await tx.exec(sql);
          },
        } satisfies SqlExecutor),
      ),
    ping: async () => {
      if (closed) throw new Error('database closed');
      await db.query('SELECT 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await db.close();
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
