import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './sql-database';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** An arbitrary constant: the advisory lock that lets one instance at a time migrate. */
const MIGRATION_LOCK_KEY = 73_110_306;

export type Migration = { version: number; name: string; sql: string };

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(`${migrationsDir}${file}`, 'utf8'),
    })),
  );
}

/**
 * Applies the numbered migrations not yet applied, each in its own transaction. Instances that
 * start together wait on an advisory lock, so each migration runs exactly once.
 */
export async function migrate(db: SqlDatabase, now: () => number): Promise<number[]> {
  const migrations = await loadMigrations();
  const applied: number[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.execScript(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
      );
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (existing.rows.length > 0) return false;
      await tx.execScript(migration.sql);
      await tx.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, now()],
      );
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}
