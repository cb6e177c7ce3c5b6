import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileState, openStore } from '../src/index';
import { listSnapshots } from '../src/open-database';
import { rekeyDatabaseFile } from '../src/rekey';
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

  it('encrypts an existing plain file in place, and deletes the copies that hold it in clear', async () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file });
    const chat = store.chats.create({ title: 'kept' });
    store.messages.append({ chatId: chat.id, role: 'user', content: SECRET });
    store.close();
    // A pre-upgrade snapshot from earlier, in clear like the file.
    fs.copyFileSync(file, `${file}.snapshot-2026-01-01T00-00-00-000Z-v1`);
    expect(databaseFileState(file)).toBe('plain');

    await rekeyDatabaseFile({
      path: file,
      key: undefined,
      newKey: 'k-1',
      now: () => Date.UTC(2026, 5, 1),
    });
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

  it('refuses to encrypt a file that is not a plain database, and leaves it alone', async () => {
    const file = path.join(tempDir(), 'codeface.db');
    openStore({ path: file, key: 'k-1' }).close();
    const before = fs.readFileSync(file);
    await expect(
      rekeyDatabaseFile({ path: file, key: undefined, newKey: 'k-2', now: Date.now }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('puts the file back from its snapshot when the rekey fails', async () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file, key: 'right' });
    store.chats.create({ title: 'kept' });
    store.close();
    const before = fs.readFileSync(file);
    // A wrong current key fails inside the worker, after nothing was written.
    await expect(
      rekeyDatabaseFile({ path: file, key: 'wrong', newKey: 'new', now: Date.now }),
    ).rejects.toMatchObject({ code: 'encryption-failed' });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const reopened = openStore({ path: file, key: 'right' });
    expect(reopened.chats.list({}).map((chat) => chat.title)).toEqual(['kept']);
    reopened.close();
  });
});

describe('changing the encryption while the store is open', () => {
  const HEADER = 'SQLite format 3\0';
  const header = (file: string) => fs.readFileSync(file).subarray(0, 16).toString('latin1');

  it('encrypts, changes the key and decrypts the open store, which keeps working', async () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file });
    const chat = store.chats.create({ title: 'kept' });
    store.messages.append({ chatId: chat.id, role: 'user', content: SECRET });
    expect(header(file)).toBe(HEADER);

    const progress: number[] = [];
    await store.rekey('first key', { onProgress: (fraction) => progress.push(fraction) });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // The real file on disk: no SQLite header, no text, and a plain connection cannot read it.
    expect(header(file)).not.toBe(HEADER);
    for (const bytes of filesOf(file)) expect(bytes.includes('hunter2')).toBe(false);
    expect(listSnapshots(file)).toEqual([]);
    const Database = (await import('better-sqlite3-multiple-ciphers')).default;
    const plain = new Database(file);
    expect(() => plain.prepare('SELECT count(*) FROM chats').get()).toThrow(/not a database/);
    plain.close();

    // The same Store object goes on: reads, writes, search, the change log.
    store.messages.append({ chatId: chat.id, role: 'assistant', content: 'after hunter2' });
    expect(store.search('hunter2')).toHaveLength(2);

    await store.rekey('second key');
    store.close();
    expect(() => openStore({ path: file, key: 'first key' })).toThrow(
      expect.objectContaining({ code: 'wrong-key' }),
    );
    const again = openStore({ path: file, key: 'second key' });
    expect(again.search('hunter2')).toHaveLength(2);
    await again.rekey(undefined);
    expect(again.chats.get(chat.id)?.title).toBe('kept');
    again.close();
    expect(header(file)).toBe(HEADER);
    openStore({ path: file }).close();
  });

  it('says the store is busy while the file is being rewritten', async () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file });
    const rekeying = store.rekey('k');
    expect(() => store.chats.list({})).toThrow(expect.objectContaining({ code: 'busy' }));
    await rekeying;
    expect(store.chats.list({})).toEqual([]);
    store.close();
  });

  it('reports progress through a big file', async () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file });
    // About 16 MB of filler in a table without full-text indexing, so filling it is quick.
    const insert = store.db.prepare('INSERT INTO meta (key, value) VALUES (?, hex(randomblob(?)))');
    store.db.transaction(() => {
      for (let n = 0; n < 256; n += 1) insert.run(`filler-${n}`, 32 * 1024);
    })();
    const progress: number[] = [];
    await store.rekey('k', { onProgress: (fraction) => progress.push(fraction) });
    // Steps between the start and the end, not only the two ends.
    expect(progress.filter((fraction) => fraction > 0 && fraction < 1).length).toBeGreaterThan(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    store.close();
  }, 60_000);
});
