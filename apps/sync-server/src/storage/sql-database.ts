/**
 * The one SQL interface the server talks to. Two implementations: PGlite (embedded Postgres in
 * WASM, the zero-setup default) and a `pg` pool (real Postgres). Both speak the same dialect, so
 * the same migrations and queries serve both.
 */
export type SqlRow = Record<string, unknown>;

export type SqlResult<R extends SqlRow> = { rows: R[]; rowCount: number };

export interface SqlExecutor {
  query<R extends SqlRow = SqlRow>(
    text: string,
    params?: readonly unknown[],
  ): Promise<SqlResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  execScript(sql: string): Promise<void>;
}

/** What the metrics report about the connections to the database. */
export type PoolStats = {
  /** Connections open, busy or idle. */
  open: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
  /** Connections handed out so far, and the seconds spent waiting for them in all. */
  acquires: number;
  acquireWaitSeconds: number;
};

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/** Postgres `bigint` comes back as a string from `pg` and as a number or bigint from PGlite. */
export function toSafeNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${String(value)}`);
  return n;
}

/** `bytea` comes back as a Buffer from `pg` and as a Uint8Array from PGlite. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new TypeError('expected bytea');
}
