import type { ChangeLogReader } from './changes';
import { type StoreContext, writeTransaction } from './context';
import { ClockError } from './hlc';
import { type MergeReport, createMerger } from './sync-merge';
import { type QuarantinedChange, type RemoteChange, quarantinedChangeSchema } from './sync-schemas';

/** Where this device stands with its sync server. */
export type SyncCursors = {
  /** The account the cursors belong to (the engine's key, e.g. server URL and user id). */
  account: string | null;
  /** The server's sequence number of the last remote change merged. */
  pullCursor: number;
  /** The local change log position up to which the server acknowledged every change. */
  pushCursor: number;
};

export type ApplyRemoteInput = {
  changes: readonly RemoteChange[];
  /** Changes that could not be opened or validated: recorded, not applied. */
  quarantine?: readonly QuarantinedChange[];
  /** Quarantined changes that have now been applied (or given up): removed from the list. */
  release?: readonly string[];
  /** Advances the pull cursor in the same transaction, so a crash never skips a change. */
  pullCursor?: number;
};

export type { MergeReport };

type QuarantineRow = {
  change_id: string;
  seq: number;
  device_id: string;
  reason: string;
  detail: string;
  ciphertext: string;
  quarantined_at: number;
};

export type SyncRepository = ReturnType<typeof createSyncRepository>;

/** The sync engine's state in the store: cursors, the merge, and the quarantine (0112). */
export function createSyncRepository(ctx: StoreContext, changes: ChangeLogReader) {
  const { db } = ctx;
  const merger = createMerger({ db, now: ctx.now });
  const readValue = db.prepare<[string], { value: string }>(
    'SELECT value FROM sync_state WHERE key = ?',
  );
  const writeValue = db.prepare<[string, string]>(
    `INSERT INTO sync_state (key, value) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const insertQuarantine = db.prepare(
    `INSERT OR IGNORE INTO sync_quarantine
       (change_id, seq, device_id, reason, detail, ciphertext, quarantined_at)
     VALUES (@changeId, @seq, @deviceId, @reason, @detail, @ciphertext, @quarantinedAt)`,
  );
  const releaseQuarantine = db.prepare<[string]>('DELETE FROM sync_quarantine WHERE change_id = ?');

  const numberAt = (key: string): number => Number(readValue.get(key)?.value ?? 0);

  function cursors(): SyncCursors {
    return {
      account: readValue.get('account')?.value ?? null,
      pullCursor: numberAt('pull_cursor'),
      pushCursor: numberAt('push_cursor'),
    };
  }

  /**
   * Records the clocks of this device's changes made since the last merge, so that remote
   * changes are compared with them. Done lazily, inside the merge's transaction, so that a
   * device with sync off pays nothing on each write.
   */
  function foldLocalChanges(): void {
    let cursor = numberAt('folded_cursor');
    for (;;) {
      const page = changes.since(cursor, 1000);
      merger.foldLocal(page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    writeValue.run('folded_cursor', String(cursor));
  }

  /** Moves this device's clock past a remote change, so later local edits sort after it. */
  function receiveClock(hlc: string): void {
    try {
      ctx.clock.recv(hlc);
    } catch (error) {
      // A clock too far ahead is the engine's to hold back (it defers such changes); one that
      // slipped through still merges, it just does not drag this device's clock along.
      if (!(error instanceof ClockError)) throw error;
    }
  }

  return {
    cursors,

    /**
     * Ties the cursors to an account. Another account than the last one starts over: both
     * cursors go back to 0 and the quarantine is emptied (the merged data stays). Returns
     * whether it started over.
     */
    bindAccount: writeTransaction(db, (account: string): boolean => {
      const previous = readValue.get('account')?.value;
      if (previous === account) return false;
      writeValue.run('account', account);
      writeValue.run('pull_cursor', '0');
      writeValue.run('push_cursor', '0');
      db.prepare('DELETE FROM sync_quarantine').run();
      return true;
    }),

    /** Every local change up to `cursor` is on the server. */
    markPushed: writeTransaction(db, (cursor: number): void => {
      writeValue.run('push_cursor', String(cursor));
    }),

    /**
     * Merges remote changes (last writer wins per field, tombstones), records quarantined ones
     * and advances the pull cursor, all in one transaction. Writes nothing to the change log:
     * a remote change is never sent back.
     */
    applyRemote: writeTransaction(db, (input: ApplyRemoteInput): MergeReport => {
      foldLocalChanges();
      const report: MergeReport = {
        applied: 0,
        chatIds: new Set(),
        presets: false,
        settingKeys: new Set(),
      };
      for (const change of input.changes) receiveClock(change.hlc);
      merger.mergeRemote(input.changes, report);
      for (const entry of input.quarantine ?? []) {
        insertQuarantine.run(quarantinedChangeSchema.parse(entry));
      }
      for (const changeId of input.release ?? []) releaseQuarantine.run(changeId);
      if (input.pullCursor !== undefined) writeValue.run('pull_cursor', String(input.pullCursor));
      return report;
    }),

    /** Remote changes set aside, oldest first. */
    quarantined(): QuarantinedChange[] {
      return db
        .prepare<[], QuarantineRow>('SELECT * FROM sync_quarantine ORDER BY seq')
        .all()
        .map((row) => ({
          changeId: row.change_id,
          seq: row.seq,
          deviceId: row.device_id,
          reason: row.reason,
          detail: row.detail,
          ciphertext: row.ciphertext,
          quarantinedAt: row.quarantined_at,
        }));
    },
  };
}
