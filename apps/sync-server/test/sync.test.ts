import { bytesToUtf8, openChange } from '@codeface/sync/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { openTestBackend, type TestBackend } from './support/backend';
import { sealedChange, signUp, startServer, statusOf, subscribe } from './support/harness';

let backend: TestBackend;
let server: SyncServer;

beforeAll(async () => {
  backend = await openTestBackend();
  server = await startServer(backend, {
    config: { limits: { maxChangeBytes: 2048, maxBatchChanges: 50, maxUserBytes: 40_000 } },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

describe('push and pull', () => {
  it('stores sealed changes, numbers them 1..n and pulls them back in pages', async () => {
    const { client, dataKey } = await signUp(server);
    const changes = Array.from({ length: 7 }, (_, i) =>
      sealedChange({ dataKey, plaintext: `message ${i}` }),
    );
    const pushed = await client.sync.push.mutate({ changes });
    expect(pushed.accepted.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pushed).toMatchObject({ inserted: 7, highWaterMark: 7 });

    const first = await client.sync.pull.query({ cursor: 0, limit: 3 });
    expect(first).toMatchObject({ nextCursor: 3, hasMore: true, highWaterMark: 7 });
    const second = await client.sync.pull.query({ cursor: first.nextCursor, limit: 3 });
    const third = await client.sync.pull.query({ cursor: second.nextCursor, limit: 3 });
    expect(third).toMatchObject({ nextCursor: 7, hasMore: false });
    const all = [...first.changes, ...second.changes, ...third.changes];
    expect(all.map((c) => c.id)).toEqual(changes.map((c) => c.id));
    const texts = all.map((c) =>
      bytesToUtf8(openChange({ dataKey, changeId: c.id, ciphertext: c.ciphertext })),
    );
    expect(texts).toEqual(changes.map((_, i) => `message ${i}`));
  });

  it('acknowledges a re-pushed change with its old number and stores it once', async () => {
    const { client, dataKey } = await signUp(server);
    const a = sealedChange({ dataKey, plaintext: 'a' });
    const b = sealedChange({ dataKey, plaintext: 'b' });
    await client.sync.push.mutate({ changes: [a] });
    const again = await client.sync.push.mutate({ changes: [b, a, b] });
    expect(again.accepted).toEqual([
      { id: b.id, seq: 2 },
      { id: a.id, seq: 1 },
    ]);
    expect(again).toMatchObject({ inserted: 1, highWaterMark: 2 });
    expect((await client.sync.pull.query({ cursor: 0 })).changes).toHaveLength(2);
  });

  it('is idempotent under concurrent duplicate pushes', async () => {
    const { client, dataKey } = await signUp(server);
    const batch = Array.from({ length: 5 }, (_, i) => sealedChange({ dataKey, plaintext: `${i}` }));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => client.sync.push.mutate({ changes: batch })),
    );
    // Every caller gets the same numbers, only one of them inserted anything.
    for (const result of results) {
      expect(result.accepted.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
    }
    expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(5);
    const pulled = await client.sync.pull.query({ cursor: 0 });
    expect(pulled.changes.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('assigns gap-free sequence numbers under concurrent pushes from many devices', async () => {
    const { client, dataKey } = await signUp(server);
    const pushes = Array.from({ length: 12 }, (_, device) =>
      client.sync.push.mutate({
        changes: Array.from({ length: 1 + (device % 4) }, (_, i) =>
          sealedChange({ dataKey, plaintext: `d${device} c${i}` }),
        ),
      }),
    );
    const results = await Promise.all(pushes);
    const seqs = results.flatMap((r) => r.accepted.map((a) => a.seq)).sort((x, y) => x - y);
    const total = seqs.length;
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const pulled = await client.sync.pull.query({ cursor: 0 });
    expect(pulled.changes.map((c) => c.seq)).toEqual(seqs);
    expect(pulled.highWaterMark).toBe(total);
  });

  it("keeps one user's numbers apart from another's", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await alice.client.sync.push.mutate({
      changes: [sealedChange({ dataKey: alice.dataKey, plaintext: 'x' })],
    });
    const bobs = await bob.client.sync.push.mutate({
      changes: [sealedChange({ dataKey: bob.dataKey, plaintext: 'y' })],
    });
    expect(bobs.accepted[0]?.seq).toBe(1);
    expect((await bob.client.sync.pull.query({ cursor: 0 })).changes).toHaveLength(1);
  });
});

describe('limits', () => {
  it('refuses a change over maxChangeBytes with 413 naming the limit', async () => {
    const { client, dataKey } = await signUp(server);
    const big = sealedChange({ dataKey, plaintext: 'x'.repeat(3000) });
    const error = await client.sync.push.mutate({ changes: [big] }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      data: { httpStatus: 413, reason: 'limit-exceeded', limit: 'maxChangeBytes' },
    });
    expect((error as Error).message).toContain('maxChangeBytes');
  });

  it('refuses a batch over maxBatchChanges with 413 naming the limit', async () => {
    const { client, dataKey } = await signUp(server);
    const changes = Array.from({ length: 51 }, () => sealedChange({ dataKey, plaintext: 'x' }));
    const error = await client.sync.push.mutate({ changes }).catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { httpStatus: 413, limit: 'maxBatchChanges' } });
  });

  it('refuses a push past the per-user quota and stores none of it', async () => {
    const { client, dataKey } = await signUp(server);
    const fill = () =>
      Array.from({ length: 10 }, () => sealedChange({ dataKey, plaintext: 'q'.repeat(1900) }));
    await client.sync.push.mutate({ changes: fill() });
    await client.sync.push.mutate({ changes: fill() });
    const error = await client.sync.push.mutate({ changes: fill() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { httpStatus: 413, limit: 'maxUserBytes' } });
    expect((await client.sync.pull.query({ cursor: 0 })).highWaterMark).toBe(20);
  });

  it('refuses a pull limit above the protocol maximum with 400 naming the field', async () => {
    const { client } = await signUp(server);
    const error = await client.sync.pull.query({ cursor: 0, limit: 10_000 }).catch((e) => e);
    expect(error).toMatchObject({ data: { httpStatus: 400, fields: ['limit'] } });
    expect(await statusOf(client.sync.pull.query({ cursor: -1 }))).toBe(400);
  });
});

describe('subscribe', () => {
  it('says pull now at once and again after each push', async () => {
    const { client, session, dataKey } = await signUp(server);
    const sub = subscribe(server, session.accessToken);
    try {
      await sub.waitForMark(0);
      await client.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: '1' })] });
      await sub.waitForMark(1);
      await client.sync.push.mutate({
        changes: [
          sealedChange({ dataKey, plaintext: '2' }),
          sealedChange({ dataKey, plaintext: '3' }),
        ],
      });
      await sub.waitForMark(3);
      expect(sub.marks[0]).toBe(0);
      expect(sub.errors).toEqual([]);
    } finally {
      sub.close();
    }
  });
});

describe('what the server keeps', () => {
  it('holds none of the plaintext in any table after a sync', async () => {
    const secret = 'the-plaintext-needle-7f3a';
    const { client, dataKey, password } = await signUp(server);
    await client.sync.push.mutate({
      changes: Array.from({ length: 5 }, (_, i) =>
        sealedChange({ dataKey, plaintext: JSON.stringify({ text: `${secret} ${i}` }) }),
      ),
    });
    await client.sync.pull.query({ cursor: 0 });
    const tables = await backend.admin.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['users', 'devices', 'refresh_tokens', 'changes', 'sync_state']),
    );
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await backend.admin.query(`SELECT * FROM "${table_name}"`);
      dump += JSON.stringify(rows.rows, (_k, v: unknown) =>
        v instanceof Uint8Array
          ? Buffer.from(v).toString('latin1')
          : typeof v === 'bigint'
            ? String(v)
            : v,
      );
    }
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(password);
    expect(dump).not.toContain(Buffer.from(dataKey).toString('latin1'));
    expect(dump).not.toContain(Buffer.from(dataKey).toString('base64url'));
  });
});
