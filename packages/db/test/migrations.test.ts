import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError, openStore } from '../src/index';
import { SCHEMA_VERSION } from '../src/migrations';
import { listSnapshots } from '../src/open-database';
import { migrations } from '../src/migrations';
import { sequentialIds, steppingClock, tempDir } from './helpers';

/** Builds a database as an older release left it: schema up to `version`, with real data. */
function createPopulatedDatabase(file: string, version: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const migration of migrations.slice(0, version)) migration.up(db);
  db.pragma(`user_version = ${version}`);
  db.prepare(
    `INSERT INTO chats (id, title, source, created_at, updated_at, last_activity_at)
     VALUES ('chat-1', 'Old chat', 'chat', 1, 1, 1)`,
  ).run();
  const insert = db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, status, created_at, updated_at)
     VALUES (?, 'chat-1', ?, ?, ?, ?, 2, 2)`,
  );
  insert.run('m-1', null, 'user', 'How do I reverse a linked list?', 'done');
  insert.run('m-2', 'm-1', 'assistant', 'Walk it once, flipping each next pointer.', 'streaming');
  db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('theme', '"dark"', 1)`).run();
  db.prepare(
    `INSERT INTO changes (id, entity, entity_id, op, hlc, device_id, fields)
     VALUES ('c-1', 'chat', 'chat-1', 'put', '2026-01-01T00:00:00.000Z-0000-old', 'old', '{}')`,
  ).run();
  db.close();
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const earlierVersions = Array.from({ length: SCHEMA_VERSION - 1 }, (_, index) => index + 1);

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, index) => index + 1),
    );
  });

  it.each(earlierVersions)(
    'upgrade a populated version-%i database to the latest, keeping every chat',
    (version) => {
      const file = path.join(tempDir(), 'codeface.db');
      createPopulatedDatabase(file, version);
      const store = openStore({ path: file, now: steppingClock(), newId: sequentialIds() });

      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.openReport).toMatchObject({ previousVersion: version, interruptedMessages: 1 });
      expect(store.messages.activeBranch('chat-1').map((m) => [m.content, m.status])).toEqual([
        ['How do I reverse a linked list?', 'done'],
        ['Walk it once, flipping each next pointer.', 'interrupted'],
      ]);
      expect(store.settings.get('theme')).toBe('dark');
      // Messages written before the search index existed are found through it.
      expect(store.search('linked list').map((hit) => hit.messageId)).toEqual(['m-1']);
      expect(store.search('pointer', { chatId: 'chat-1' }).map((hit) => hit.messageId)).toEqual([
        'm-2',
      ]);
      expect(store.models.put({ id: 'm', name: 'M' }).name).toBe('M');
      // The clock continues after the newest change already in the log.
      const newest = store.changes.since(0).changes.at(-1)?.hlc ?? '';
      expect(newest > '2026-01-01T00:00:00.000Z-0000-old').toBe(true);

      const snapshot = store.openReport.snapshotPath ?? '';
      expect(listSnapshots(file)).toEqual([snapshot]);
      store.close();
      const copy = new Database(snapshot, { readonly: true });
      expect(copy.pragma('user_version', { simple: true })).toBe(version);
      expect(copy.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
      copy.close();
    },
  );

  it('keeps only the newest three snapshots', () => {
    const folder = tempDir();
    const file = path.join(folder, 'codeface.db');
    for (const stamp of ['2020-01-01', '2021-01-01', '2022-01-01']) {
      fs.writeFileSync(`${file}.snapshot-${stamp}T00-00-00-000Z-v1`, 'old');
    }
    createPopulatedDatabase(file, 1);
    const store = openStore({ path: file });
    store.close();
    const kept = listSnapshots(file).map((name) => path.basename(name));
    expect(kept).toHaveLength(3);
    expect(kept[0]).toContain('2021-01-01');
    expect(kept[2]).toBe(path.basename(store.openReport.snapshotPath ?? ''));
  });

  it('takes no snapshot of a new or current database', () => {
    const file = path.join(tempDir(), 'codeface.db');
    openStore({ path: file }).close();
    const again = openStore({ path: file });
    expect(again.openReport.snapshotPath).toBeNull();
    again.close();
    expect(listSnapshots(file)).toEqual([]);
  });

  it('refuses a database from a newer version and leaves it untouched', () => {
    const file = path.join(tempDir(), 'codeface.db');
    const db = new Database(file);
    db.exec('CREATE TABLE future (x)');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = sha256(file);
    let error: unknown;
    try {
      openStore({ path: file });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      code: 'newer-version',
      data: { fileVersion: SCHEMA_VERSION + 1, supportedVersion: SCHEMA_VERSION },
    });
    expect((error as Error).message).toMatch(/newer CodeFace/);
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['codeface.db']);
  });

  it('rolls a failing step back, stopping at the last whole version', () => {
    const file = path.join(tempDir(), 'codeface.db');
    createPopulatedDatabase(file, 2);
    // Something in the way of step 3 makes it fail half-way.
    const db = new Database(file);
    db.exec('CREATE TABLE models (id TEXT)');
    db.close();
    expect(() => openStore({ path: file })).toThrow(
      expect.objectContaining({
        code: 'migration-failed',
        data: expect.objectContaining({ fromVersion: 2, reachedVersion: 2 }),
      }),
    );
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    expect(check.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
    check.close();
  });
});
