import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import { randomUUID } from 'node:crypto';
import type { HybridLogicalClock } from './hlc';
import type { ChangeEntity } from './schemas';
import { wellFormed } from './well-formed';

/** What every repository shares: the connection, the clock, and the change log writer. */
export type StoreContext = {
  db: Database;
  clock: HybridLogicalClock;
  deviceId: string;
  now: () => number;
  newId: () => string;
  /** Logs a change and returns the HLC it was stamped with. */
  recordChange: (change: RecordedChange) => string;
};

export type RecordedChange = {
  entity: ChangeEntity;
  entityId: string;
  op: 'put' | 'delete';
  fields: Record<string, unknown>;
};

/**
 * Builds the change log writer. Callers run it inside the same transaction as the row it
 * describes, so that a change is never logged without its row, nor a row written without its
 * change. `onRecorded` hears of each change once its transaction has ended. Change ids are
 * random, never time-ordered: they travel to the sync server in the clear (decision 0504).
 */
export function changeRecorder(
  db: Database,
  stamp: {
    clock: HybridLogicalClock;
    deviceId: string;
    onRecorded?: () => void;
  },
): (change: RecordedChange) => string {
  let notifying = false;
  const insert: Statement = db.prepare(
    `INSERT INTO changes (id, entity, entity_id, op, hlc, device_id, fields)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return (change) => {
    if (!db.inTransaction) {
      throw new Error('A change must be recorded inside the transaction that writes its row.');
    }
    const hlc = stamp.clock.send();
    insert.run(
      randomUUID(),
      change.entity,
      change.entityId,
      change.op,
      hlc,
      stamp.deviceId,
      JSON.stringify(change.fields),
    );
    // Transactions are synchronous, so a microtask runs after this one committed (or rolled
    // back, when a listener finds nothing new). One notice per burst of changes.
    if (stamp.onRecorded !== undefined && !notifying) {
      notifying = true;
      const notify = stamp.onRecorded;
      queueMicrotask(() => {
        notifying = false;
        notify();
      });
    }
    return hlc;
  };
}

/**
 * Wraps a mutation in a write transaction that takes the write lock when it begins
 * (`BEGIN IMMEDIATE`). A deferred transaction reads first and upgrades later; if another
 * connection (the sync engine's, another process) wrote in between, the upgrade fails with
 * SQLITE_BUSY at once instead of waiting. Called inside another transaction it nests as a
 * savepoint. Every mutation of the store is one of these, so this is where its arguments become
 * well-formed text (`wellFormed`), before any row or change is written.
 */
export function writeTransaction<Args extends unknown[], Result>(
  db: Database,
  mutation: (...args: Args) => Result,
): (...args: Args) => Result {
  const transaction = db.transaction(mutation);
  return (...args) => transaction.immediate(...wellFormed(args));
}
