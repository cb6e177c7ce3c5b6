import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from './pglite-database';
import { type SqlDatabase, toBytes } from './sql-database';

let db: SqlDatabase;

beforeAll(async () => {
  db = await openPgliteDatabase({});
  await db.execScript('CREATE TABLE blobs (id int PRIMARY KEY, body bytea NOT NULL)');
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('PGlite bytea', () => {
  it('stores and returns every byte value, an empty value and a view into a larger buffer', async () => {
    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
    const backing = Buffer.from([0xde, 0xad, 1, 2, 3, 0xbe, 0xef]);
    const view = backing.subarray(2, 5);
    const values = [everyByte, new Uint8Array(0), view];
    for (const [i, body] of values.entries()) {
      await db.query('INSERT INTO blobs (id, body) VALUES ($1, $2)', [i, body]);
    }
    const stored = await db.query<{ body: unknown; hex: string; length: number }>(
      "SELECT body, encode(body, 'hex') AS hex, length(body) AS length FROM blobs ORDER BY id",
    );
    expect(stored.rows.map((row) => [...toBytes(row.body)])).toEqual(values.map((v) => [...v]));
    // What Postgres itself holds, not only what comes back through the same codec.
    expect(stored.rows.map((row) => row.hex)).toEqual(
      values.map((v) => Buffer.from(v).toString('hex')),
    );
    expect(stored.rows.map((row) => row.length)).toEqual([256, 0, 3]);
  });

  it('refuses a value that is not bytes where a bytea is expected', async () => {
    await expect(
      db.query('INSERT INTO blobs (id, body) VALUES ($1, $2)', [99, 'not bytes']),
    ).rejects.toThrow(/Uint8Array/);
  });
});
