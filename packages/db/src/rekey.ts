import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreError } from './errors';
import { databaseFileState, fileStamp, listSnapshots, SNAPSHOT_MARKER } from './open-database';

/**
 * The work, on a worker thread so that the process keeps answering (and can show progress)
 * while a big file is rewritten: a `VACUUM INTO` snapshot with the current key, rollback-journal
 * mode (SQLite3 Multiple Ciphers cannot rekey in WAL mode; the store turns WAL back on at open),
 * `PRAGMA rekey`, then a fresh connection with the new key runs `quick_check`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const quote = (text) => "'" + text.replaceAll("'", "''") + "'";
const open = (key) => {
  const db = new Database(workerData.file, { nativeBinding: workerData.nativeBinding ?? undefined });
  if (key !== null) db.pragma('key = ' + quote(key));
  return db;
};
try {
  const db = open(workerData.key);
  try {
    db.prepare('VACUUM INTO ?').run(workerData.snapshot);
    parentPort.postMessage({ phase: 'rekey' });
    db.pragma('journal_mode = DELETE');
    db.pragma('rekey = ' + quote(workerData.newKey ?? ''));
  } finally {
    db.close();
  }
  const check = open(workerData.newKey);
  try {
    parentPort.postMessage({ checked: check.pragma('quick_check', { simple: true }) });
  } finally {
    check.close();
  }
} catch (error) {
  parentPort.postMessage({ failed: String(error) });
}
`;

/** How often the size of what is being written is read for the progress. */
const PROGRESS_INTERVAL_MS = 100;

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

export type RekeyOptions = {
  path: string;
  /** The key the file opens with now; absent for a plain file. */
  key: string | undefined;
  /** The key to encrypt with; absent to store the file unencrypted. */
  newKey: string | undefined;
  now: () => number;
  nativeBinding?: string;
  /**
   * Called with the share done, 0 to 1. Measured, not guessed: while the snapshot is written
   * it is the snapshot's size against the file's (the first half), then the rollback journal's,
   * which the rekey fills with every page it rewrites (the second half).
   */
  onProgress?: (fraction: number) => void;
};

/**
 * Encrypts a closed database file, changes its key or removes its encryption, in place
 * (decision 0483). Nothing else may hold the file open. A snapshot is taken first; if anything
 * fails the file is put back from it (`encryption-failed`). Once the file opens with the new
 * key and passes `quick_check`, the snapshot and the older pre-upgrade snapshots are deleted:
 * they hold the chats in clear or under the old key, which the change is meant to end.
 */
export async function rekeyDatabaseFile(options: RekeyOptions): Promise<void> {
  const file = path.resolve(options.path);
  const expected = options.key === undefined ? 'plain' : 'encrypted-or-unreadable';
  if (databaseFileState(file) !== expected) {
    throw new StoreError(
      'invalid-input',
      options.key === undefined
        ? `The database at ${file} is not a plain SQLite file, so there is nothing to encrypt.`
        : `The database at ${file} is not encrypted, so it has no key to change.`,
      { path: file },
    );
  }
  const snapshot = `${file}${SNAPSHOT_MARKER}${fileStamp(options.now())}-before-rekey`;
  const total = Math.max(1, sizeOf(file) + sizeOf(`${file}-wal`));
  let phase: 'snapshot' | 'rekey' = 'snapshot';
  let reported = 0;
  const report = () => {
    const written = phase === 'snapshot' ? sizeOf(snapshot) : sizeOf(`${file}-journal`);
    const share = Math.min(1, written / total) / 2 + (phase === 'snapshot' ? 0 : 0.5);
    // The journal is deleted at the commit: the share never goes back.
    reported = Math.max(reported, Math.min(share, 0.99));
    options.onProgress?.(reported);
  };
  options.onProgress?.(0);
  const timer = setInterval(report, PROGRESS_INTERVAL_MS);
  const outcome = await new Promise<string>((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        snapshot,
        key: options.key ?? null,
        newKey: options.newKey ?? null,
        nativeBinding: options.nativeBinding ?? null,
        driverPath: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'),
      },
    });
    worker.on('message', (message: { phase?: 'rekey'; checked?: string; failed?: string }) => {
      if (message.phase) phase = message.phase;
      if (message.checked !== undefined)
        resolve(message.checked === 'ok' ? 'ok' : `quick_check said ${message.checked}`);
      if (message.failed !== undefined) resolve(message.failed);
    });
    worker.on('error', (error) => resolve(String(error)));
    worker.on('exit', (code) => resolve(`the worker stopped (exit code ${code})`));
  });
  clearInterval(timer);
  const wanted = options.newKey === undefined ? 'plain' : 'encrypted-or-unreadable';
  const failure =
    outcome !== 'ok'
      ? outcome
      : databaseFileState(file) !== wanted
        ? `the file is ${options.newKey === undefined ? 'still encrypted' : 'still plain'}`
        : null;
  if (failure !== null) {
    // A rollback journal left behind would be played back over the restored file at the next
    // open; it belongs to the failed attempt.
    for (const suffix of ['-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    if (fs.existsSync(snapshot)) fs.copyFileSync(snapshot, file);
    throw new StoreError(
      'encryption-failed',
      `Changing the encryption of the database at ${file} failed: ${failure}. It was put back as it was.`,
      { path: file, cause: failure },
    );
  }
  options.onProgress?.(1);
  for (const old of listSnapshots(file)) fs.rmSync(old, { force: true });
}
