import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToUtf8, openChange, sealChange, utf8ToBytes } from '@codeface/sync/crypto';
import { signIn, signUp } from '@codeface/sync/engine';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { createSyncServer, type SyncServer } from '@codeface/sync-server';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { run, which } from './support/tools';

// docs/operators/backups.md, run as written: pg_dump of a live server's database, pg_restore
// into an empty one, a server on the restored copy serves the same account and changes. CI has
// Postgres (TEST_DATABASE_URL) and the client tools; elsewhere the test says what it skipped.
const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
const tools = which('pg_dump') && which('pg_restore');
const missing = !databaseUrl
  ? 'TEST_DATABASE_URL is not set'
  : !tools && !process.env.CI
    ? 'pg_dump and pg_restore are not installed (apt-get install postgresql-client)'
    : undefined;
if (missing)
  console.warn(`infra/test/backup.test.ts: ${missing}, so backup and restore were NOT tested.`);

const TOKEN_SECRET = 'backup-test-secret-backup-test-secret-01';
const scratch = mkdtempSync(join(tmpdir(), 'codeface-backup-'));
const databases: string[] = [];
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  if (!databaseUrl) return;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

async function createDatabase(): Promise<string> {
  const name = `cf_backup_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  databases.push(name);
  const url = new URL(databaseUrl ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

async function startServer(url: string): Promise<SyncServer> {
  const server = await createSyncServer({
    config: {
      host: '127.0.0.1',
      port: 0,
      databaseUrl: url,
      tokenSecret: TOKEN_SECRET,
      logLevel: 'silent',
      passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
    },
  });
  await server.listen();
  return server;
}

async function trpc<T>(
  server: SyncServer,
  procedure: string,
  init: { body?: unknown; token?: string; input?: unknown },
): Promise<T> {
  const query =
    init.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(init.input))}`;
  const response = await fetch(`${server.url}/trpc/${procedure}${query}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const json = (await response.json()) as { result?: { data: T } };
  if (!response.ok || !json.result)
    throw new Error(`${procedure}: ${response.status} ${JSON.stringify(json)}`);
  return json.result.data;
}

describe.skipIf(missing !== undefined)(
  'Postgres backup and restore (docs/operators/backups.md)',
  () => {
    it('restores into an empty database a copy that serves the same changes, and holds only ciphertext', async () => {
      const email = `backup-${randomUUID()}@example.test`;
      const password = `password-${randomUUID()}`;
      const secret = `a secret sentence ${randomUUID()}`;
      const sourceUrl = await createDatabase();
      const source = await startServer(sourceUrl);
      // Protocol 2: the device derives the server password and wraps its data key itself.
      let signedUp: Awaited<ReturnType<typeof signUp>>;
      try {
        signedUp = await signUp({ url: source.url, email, password, deviceName: 'laptop' });
      } catch (error) {
        await source.close();
        throw error;
      }
      const dataKey = signedUp.dataKey;
      const changes = Array.from({ length: 3 }, (_, i) => {
        const id = randomUUID();
        return {
          id,
          deviceId: 'laptop',
          ciphertext: sealChange({
            dataKey,
            changeId: id,
            plaintext: utf8ToBytes(`${secret} #${i}`),
          }),
        };
      });
      try {
        await trpc(source, 'sync.push', {
          body: { changes },
          token: signedUp.tokens.accessToken,
        });
      } finally {
        await source.close();
      }

      // The commands of docs/operators/backups.md.
      const dump = join(scratch, 'codeface.dump');
      const dumped = await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        `--file=${dump}`,
        sourceUrl,
      ]);
      expect(dumped.code, dumped.stderr).toBe(0);
      const plain = await run('pg_dump', ['--format=plain', '--no-owner', sourceUrl]);
      expect(plain.stdout).toContain('CREATE TABLE');
      // Ciphertext only: no plaintext of a change, no password, no key.
      expect(plain.stdout).not.toContain(secret);
      expect(plain.stdout).not.toContain(password);
      expect(plain.stdout).not.toContain(signedUp.recoveryKey);
      expect(readFileSync(dump).includes(secret)).toBe(false);

      const restoredUrl = await createDatabase();
      const restored = await run('pg_restore', [
        '--no-owner',
        '--exit-on-error',
        `--dbname=${restoredUrl}`,
        dump,
      ]);
      expect(restored.code, restored.stderr).toBe(0);

      const copy = await startServer(restoredUrl);
      try {
        // The restored copy signs the same password in and hands back the same data key.
        const phone = await signIn({ url: copy.url, email, password, deviceName: 'phone' });
        expect(Buffer.from(phone.dataKey).equals(Buffer.from(dataKey))).toBe(true);
        const page = await trpc<{ changes: { id: string; ciphertext: string }[] }>(
          copy,
          'sync.pull',
          {
            input: { cursor: 0 },
            token: phone.tokens.accessToken,
          },
        );
        expect(page.changes.map((c) => c.id)).toEqual(changes.map((c) => c.id));
        const first = page.changes[0];
        expect(
          first &&
            bytesToUtf8(openChange({ dataKey, changeId: first.id, ciphertext: first.ciphertext })),
        ).toBe(`${secret} #0`);
      } finally {
        await copy.close();
      }
    }, 120_000);
  },
);
