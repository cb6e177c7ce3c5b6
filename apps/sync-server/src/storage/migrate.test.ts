import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from './migrate';
import { openPgliteDatabase } from './pglite-database';
import type { SqlDatabase } from './sql-database';

let db: SqlDatabase;

beforeAll(async () => {
  db = await openPgliteDatabase({});
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('migrate', () => {
  it('numbers the migration files from 1 without gaps', async () => {
    const versions = (await loadMigrations()).map((m) => m.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('applies every migration once and records it, and a second run applies none', async () => {
    const all = (await loadMigrations()).map((m) => m.version);
    expect(await migrate(db, () => 42)).toEqual(all);
    expect(await migrate(db, () => 43)).toEqual([]);
    const recorded = await db.query<{ version: number; applied_at: unknown }>(
      'SELECT version, applied_at FROM schema_migrations ORDER BY version',
    );
    expect(recorded.rows.map((r) => [r.version, Number(r.applied_at)])).toEqual(
      all.map((v) => [v, 42]),
    );
  });
});
