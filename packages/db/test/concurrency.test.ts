import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { openTestStore } from './helpers';

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');

/** Another connection (as the sync engine or a second process would have) holding the write lock. */
function holdWriteLock(file: string, ms: number): Promise<Worker> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.driverPath);
     const db = new Database(workerData.file);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('other', '1', 0)").run();
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { driverPath, file, ms } },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

describe('writes while another connection writes', () => {
  it('wait for the write lock instead of failing with SQLITE_BUSY', async () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    store.messages.append({ chatId: chat.id, role: 'user', content: 'first' });
    const worker = await holdWriteLock(store.path, 300);
    // append reads (the chat, the parent) before it writes; as a deferred transaction it would
    // find its snapshot stale once the other writer commits, and fail at once.
    const message = store.messages.append({
      chatId: chat.id,
      role: 'assistant',
      content: 'second',
    });
    expect(message.content).toBe('second');
    expect(store.db.prepare("SELECT value FROM settings WHERE key = 'other'").pluck().get()).toBe(
      '1',
    );
    await worker.terminate();
    store.close();
  });
});
