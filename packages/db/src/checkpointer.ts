import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file from a worker thread with its own connection.
 *
 * SQLite's automatic checkpoint runs inside whichever commit crosses the WAL size limit, and a
 * checkpoint fsyncs: that one append then takes milliseconds instead of tens of microseconds.
 * Moving it to a worker keeps every append on the fast path; a PASSIVE checkpoint never blocks
 * the writer, and the WAL restarts from the beginning at the next commit after a full one
 * (decision 0105).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { nativeBinding: workerData.nativeBinding ?? undefined });
if (workerData.key !== null) db.pragma("key = '" + workerData.key.replaceAll("'", "''") + "'");
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A checkpoint that could not run now runs at the next tick; the main connection's close
    // checkpoints whatever is left.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    checkpoint();
    parentPort.postMessage('checkpointed');
  } else if (message === 'close') {
    clearInterval(timer);
    db.close();
    Atomics.store(workerData.closed, 0, 1);
    Atomics.notify(workerData.closed, 0);
    parentPort.close();
  }
});
`;

const CLOSE_WAIT_MS = 5_000;

export type Checkpointer = {
  /** Runs one checkpoint now; resolves when it is done (for tests and shutdown paths). */
  checkpointNow(): Promise<void>;
  close(): void;
};

/**
 * Starts the checkpoint worker after the first interval, not at open: a store that is opened and
 * closed again at once (a CLI command, a test) never pays for a thread.
 */
export function startCheckpointer(options: {
  file: string;
  key: string | undefined;
  nativeBinding: string | undefined;
  intervalMs: number;
}): Checkpointer {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  const closedFlag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker | null = null;
  let closed = false;

  const spawn = (): Worker => {
    if (worker !== null) return worker;
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ...options,
        key: options.key ?? null,
        nativeBinding: options.nativeBinding ?? null,
        driverPath,
        closed: closedFlag,
      },
    });
    // The worker must never keep the app alive, nor take it down.
    started.unref();
    started.on('error', () => undefined);
    worker = started;
    return started;
  };
  const delayed = setTimeout(spawn, options.intervalMs);
  delayed.unref();

  return {
    checkpointNow: () =>
      new Promise((resolve) => {
        const target = spawn();
        target.once('message', () => resolve());
        target.postMessage('checkpoint');
      }),
    /**
     * Waits (bounded) for the worker to close its connection, so that when the store's close
     * returns no other connection holds the file and the main connection's close is the last
     * one: it checkpoints and removes the WAL, and the files can be moved or deleted at once.
     */
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(delayed);
      if (worker === null) return;
      worker.postMessage('close');
      Atomics.wait(closedFlag, 0, 0, CLOSE_WAIT_MS);
    },
  };
}
