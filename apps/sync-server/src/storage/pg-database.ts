import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow } from './sql-database';

export type PgDatabaseOptions = {
  connectionString: string;
  /** Postgres schema to work in (tests isolate each file in its own); default `public`. */
  schema?: string;
  maxConnections?: number;
  /** Shown in pg_stat_activity; tests use it to find this pool's connections. */
  applicationName?: string;
  onError?: (error: Error) => void;
};

/** Real Postgres through a `pg` pool. */
export function openPgDatabase(options: PgDatabaseOptions): SqlDatabase {
  const max = options.maxConnections ?? 10;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max,
    application_name: options.applicationName ?? 'codeface-sync',
    ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)}` } : {}),
  });
  // An idle client whose backend was terminated emits 'error' on the pool; unhandled, that would
  // crash the process. The pool drops the client and opens a fresh one on demand.
  pool.on('error', (error) => options.onError?.(error));
  // pg-pool's own listeners come and go as a client moves between idle and checked out, and a
  // terminated backend can emit 'error' twice (the FATAL message, then the closed socket); one
  // lasting listener per client means no emit is ever unhandled and fatal to the process.
  pool.on('connect', (client) => client.on('error', () => undefined));

  /**
   * Runs `work` on a checked-out client. `pool.query` is not used: it listens for a client's
   * 'error' only once, and a terminated backend can emit twice (the FATAL message, then the
   * closed socket), which would crash the process. A client that saw a connection error keeps
   * our listener and is destroyed instead of going back to the pool.
   */
  let acquires = 0;
  let acquireWaitSeconds = 0;
  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const asked = performance.now();
    const client = await pool.connect();
    acquires++;
    acquireWaitSeconds += (performance.now() - asked) / 1000;
    let broken: Error | undefined;
    const onClientError = (error: Error) => {
      broken = error;
      options.onError?.(error);
    };
    client.on('error', onClientError);
    try {
      return await work(client);
    } catch (error) {
      if (isConnectionError(error)) broken ??= error as Error;
      throw error;
    } finally {
      if (!broken) client.off('error', onClientError);
      client.release(broken);
    }
  }

  return {
    kind: 'postgres',
    query: (text, params) => withClient((client) => runQuery(client, text, params)),
    execScript: (sql) =>
      withClient(async (client) => {
        await client.query(sql);
      }),
    transaction: (work) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const tx: SqlExecutor = {
            query: (text, params) => runQuery(client, text, params),
            execScript: async (sql) => {
              await client.query(sql);
            },
          };
          const result = await work(tx);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          // If the connection is gone the server has rolled back already; the original error
          // is the one worth reporting.
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    ping: () =>
      withClient(async (client) => {
        await client.query('SELECT 1');
      }),
    poolStats: () => ({
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max,
      acquires,
      acquireWaitSeconds,
    }),
    close: () => pool.end(),
  };
}

async function runQuery<R extends SqlRow>(
  client: pg.PoolClient,
  text: string,
  params?: readonly unknown[],
): Promise<SqlResult<R>> {
  const result = await client.query<R>(text, params ? [...params] : undefined);
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}

/** Errors after which a connection is no use: admin shutdown classes 57P0x and class 08. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (/^57P0/.test(code) || code.startsWith('08'))) return true;
  return error instanceof Error && /Connection terminated|ECONNRESET|EPIPE/.test(error.message);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
