import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileState, encryptDatabaseFile, openStore } from '../src/index';
import { listSnapshots } from '../src/open-database';
import { tempDir } from './helpers';

const SECRET = 'the launch code is hunter2-zebra-7781';

function filesOf(file: string): Buffer[] {
  return ['', '-wal', '-shm']
    .map((suffix) => file + suffix)
    .filter((name) => fs.existsSync(name))
    .map((name) => fs.readFileSync(name));
}

describe('encryption at rest', () => {
  it('keeps message text out of the database file and its WAL', () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file, key: 'correct horse battery staple' });
    const chat = store.chats.create({ title: 'secret chat' });
    store.messages.append({ chatId: chat.id, role: 'user', content: SECRET });
    const writer = store.messages.startStreaming({ chatId: chat.id });
    writer.append(`streamed: ${SECRET}`);
    writer.flush();
    // Checked while the WAL still holds the newest pages, and again after a checkpoint.
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    for (const bytes of filesOf(file)) {
      expect(bytes.includes(SECRET)).toBe(false);
      expect(bytes.includes('hunter2')).toBe(false);
      expect(bytes.includes('secret chat')).toBe(false);
    }
    writer.finish();
    store.close();
    for (const bytes of filesOf(file)) expect(bytes.includes('hunter2')).toBe(false);

    const reopened = openStore({ path: file, key: 'correct horse battery staple' });
    expect(reopened.search('hunter2')).toHaveLength(2);
    reopened.close();
  });

  it('proves the check can fail: without a key the text is on disk', () => {
    const file = path.join(tempDir(), 'plain.db');
    const store = openStore({ path: file });
    const chat = store.chats.create({});
    store.messages.append({ chatId: chat.id, role: 'user', content: SECRET });
    store.close();
    expect(filesOf(file).some((bytes) => bytes.includes('hunter2'))).toBe(true);
  });

  it('refuses a wrong key, or none, with a clear error and leaves the file alone', () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file, key: 'right' });
    store.chats.create({ title: 'x' });
    store.close();
    const before = fs.readFileSync(file);
    expect(() => openStore({ path: file, key: 'wrong' })).toThrow(
      expect.objectContaining({ code: 'wrong-key', message: expect.stringMatching(/wrong key/) }),
    );
    expect(() => openStore({ path: file })).toThrow(
      expect.objectContaining({ code: 'key-required' }),
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.includes('corrupt'))).toEqual(
      [],
    );
  });

  it('refuses a key for a file that is not encrypted', () => {
    const file = path.join(tempDir(), 'codeface.db');
    openStore({ path: file }).close();
    expect(() => openStore({ path: file, key: 'k' })).toThrow(
      expect.objectContaining({
        code: 'wrong-key',
        message: expect.stringMatching(/not encrypted/),
      }),
    );
  });

  it('snapshots an encrypted store encrypted when it upgrades', async () => {
    const Database = (await import('better-sqlite3-multiple-ciphers')).default;
    const { migrations } = await import('../src/migrations');
    const file = path.join(tempDir(), 'codeface.db');
    const db = new Database(file);
    db.pragma("key = 'k'");
    migrations[0]?.up(db);
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO chats (id, title, source, created_at, updated_at, last_activity_at)
       VALUES ('c', 'hunter2 chat', 'chat', 1, 1, 1)`,
    ).run();
    db.close();
    const store = openStore({ path: file, key: 'k' });
    const snapshot = store.openReport.snapshotPath ?? '';
    store.close();
    expect(fs.readFileSync(snapshot).includes('hunter2')).toBe(false);
    const copy = new Database(snapshot);
    copy.pragma("key = 'k'");
    expect(copy.prepare('SELECT title FROM chats').get()).toEqual({ title: 'hunter2 chat' });
    copy.close();
  });

  it('encrypts an existing plain file in place, and deletes the copies that hold it in clear', () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file });
    const chat = store.chats.create({ title: 'kept' });
    store.messages.append({ chatId: chat.id, role: 'user', content: SECRET });
    store.close();
    // A pre-upgrade snapshot from earlier, in clear like the file.
    fs.copyFileSync(file, `${file}.snapshot-2026-01-01T00-00-00-000Z-v1`);
    expect(databaseFileState(file)).toBe('plain');

    encryptDatabaseFile({ path: file, key: 'k-1', now: () => Date.UTC(2026, 5, 1) });
    expect(databaseFileState(file)).toBe('encrypted-or-unreadable');
    expect(listSnapshots(file)).toEqual([]);
    for (const bytes of filesOf(file)) expect(bytes.includes('hunter2')).toBe(false);
    const reopened = openStore({ path: file, key: 'k-1' });
    expect(reopened.search('hunter2')).toHaveLength(1);
    expect(reopened.chats.get(chat.id)?.title).toBe('kept');
    reopened.close();
    expect(() => openStore({ path: file })).toThrow(
      expect.objectContaining({ code: 'key-required' }),
    );
  });

  it('refuses to encrypt a file that is not a plain database, and leaves it alone', () => {
    const file = path.join(tempDir(), 'codeface.db');
    openStore({ path: file, key: 'k-1' }).close();
    const before = fs.readFileSync(file);
    expect(() => encryptDatabaseFile({ path: file, key: 'k-2', now: Date.now })).toThrow(
      expect.objectContaining({ code: 'invalid-input' }),
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
