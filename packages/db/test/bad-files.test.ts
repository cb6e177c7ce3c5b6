import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError, openStore } from '../src/index';
import { tempDir } from './helpers';

function populated(file: string): void {
  const store = openStore({ path: file });
  const chat = store.chats.create({ title: 'precious' });
  for (let index = 0; index < 200; index += 1) {
    store.messages.append({ chatId: chat.id, role: 'user', content: `message ${index}` });
  }
  store.close();
}

describe('bad files at the database path', () => {
  it('moves a non-SQLite file aside, says where, and starts a fresh store', () => {
    const file = path.join(tempDir(), 'codeface.db');
    fs.writeFileSync(file, 'these are my notes, not a database\n');
    const store = openStore({ path: file });
    const recovered = store.openReport.recovered;
    expect(recovered).toBeInstanceOf(StoreError);
    expect(recovered?.code).toBe('corrupt-file-moved');
    const movedTo = String(recovered?.data.movedTo);
    expect(recovered?.message).toContain(movedTo);
    expect(fs.readFileSync(movedTo, 'utf8')).toBe('these are my notes, not a database\n');
    expect(store.chats.list()).toEqual([]);
    store.chats.create({ title: 'works' });
    store.close();
  });

  it('moves a SQLite file with a corrupt schema page aside, with its WAL', () => {
    const file = path.join(tempDir(), 'codeface.db');
    populated(file);
    const bytes = fs.readFileSync(file);
    // Keep the 100-byte header, wreck the rest of page 1 (the schema) and beyond.
    bytes.fill(0xa5, 100, Math.min(bytes.length, 8192));
    fs.writeFileSync(file, bytes);
    fs.writeFileSync(`${file}-wal`, 'stale wal');
    const store = openStore({ path: file });
    const movedTo = String(store.openReport.recovered?.data.movedTo);
    expect(store.openReport.recovered?.data.reason).toBe('the file is corrupt');
    expect(fs.readFileSync(movedTo).equals(bytes)).toBe(true);
    expect(fs.readFileSync(`${movedTo}-wal`, 'utf8')).toBe('stale wal');
    expect(store.chats.list()).toEqual([]);
    store.close();
  });

  it('never overwrites an earlier moved-aside file', () => {
    const folder = tempDir();
    const file = path.join(folder, 'codeface.db');
    const now = () => Date.UTC(2026, 0, 1);
    fs.writeFileSync(file, 'first');
    openStore({ path: file, now }).close();
    fs.rmSync(file);
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    fs.writeFileSync(file, 'second');
    const store = openStore({ path: file, now });
    store.close();
    const aside = fs.readdirSync(folder).filter((name) => name.includes('.corrupt-'));
    expect(aside.map((name) => fs.readFileSync(path.join(folder, name), 'utf8')).sort()).toEqual([
      'first',
      'second',
    ]);
  });

  it('refuses, without moving it, an unreadable file that could be an encrypted store', () => {
    const file = path.join(tempDir(), 'codeface.db');
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    expect(() => openStore({ path: file })).toThrow(
      expect.objectContaining({ code: 'key-required' }),
    );
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(true);
  });

  it('treats an empty file as a new store', () => {
    const file = path.join(tempDir(), 'codeface.db');
    fs.writeFileSync(file, '');
    const store = openStore({ path: file });
    expect(store.openReport.recovered).toBeNull();
    store.close();
  });
});
