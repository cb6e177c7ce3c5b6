import type { Database } from 'better-sqlite3-multiple-ciphers';
import { randomUUID } from 'node:crypto';
import { type ChangeLogReader, createChangeLogReader } from './changes';
import { type ChatRepository, createChatRepository } from './chats';
import { type CodeUndoRepository, createCodeUndoRepository } from './code-undos';
import { type Checkpointer, startCheckpointer } from './checkpointer';
import { type StoreContext, changeRecorder } from './context';
import { StoreError } from './errors';
import { type EmbeddingRepository, createEmbeddingRepository } from './embeddings';
import { HybridLogicalClock } from './hlc';
import { timeOrderedIds } from './ids';
import { type HybridHit, type HybridSearchOptions, createHybridSearch } from './hybrid-search';
import { type MessageRepository, createMessageRepository } from './messages';
import { type ModelRepository, createModelRepository } from './models';
import { openDatabase } from './open-database';
import type { OpenedDatabase } from './open-database';
import { rekeyDatabaseFile } from './rekey';
import { type PresetRepository, createPresetRepository } from './presets';
import { type Search, createSearch } from './search';
import { type SettingsRepository, createSettingsRepository } from './settings';
import { type SyncRepository, createSyncRepository } from './sync-state';

export type OpenStoreOptions = {
  /** The database file; created with its folder when missing. */
  path: string;
  /** Encrypts the file at rest (ChaCha20-Poly1305 via SQLite3 Multiple Ciphers). */
  key?: string;
  /** This device's id in the change log; stored in the file on first open when not given. */
  deviceId?: string;
  now?: () => number;
  /**
   * Ids of the chats, messages and presets the store creates: time-ordered by default
   * (`timeOrderedIds`, decision 0504). Change ids and the device id are always random: they
   * travel to the sync server in the clear, and a time-ordered one would tell it when each
   * change was made.
   */
  newId?: () => string;
  /** How many pre-migration snapshots to keep next to the file; 3 by default. */
  snapshotsToKeep?: number;
  /**
   * Who copies the WAL into the database file: a worker thread every `intervalMs` (the default,
   * 1000 ms), or SQLite itself inside the commit that fills the WAL ('inline').
   */
  checkpoint?: { mode: 'worker'; intervalMs?: number } | { mode: 'inline' };
  /**
   * The driver's compiled module to load instead of the one in node_modules: Electron's main
   * process passes the build made for its own ABI (apps/desktop, electron-natives.ts).
   */
  nativeBinding?: string;
};

export type Store = {
  readonly path: string;
  readonly deviceId: string;
  readonly chats: ChatRepository;
  readonly messages: MessageRepository;
  readonly settings: SettingsRepository;
  readonly presets: PresetRepository;
  readonly models: ModelRepository;
  readonly changes: ChangeLogReader;
  /** The sync engine's cursors, merge of remote changes, and quarantine. */
  readonly sync: SyncRepository;
  readonly search: Search;
  /** Message embeddings and nearest-neighbour search (an in-memory index, decision 0490). */
  readonly embeddings: EmbeddingRepository;
  /** What code written into files replaced, for Undo; emptied each time the store opens. */
  readonly codeUndos: CodeUndoRepository;
  /** Full-text and semantic results fused by reciprocal rank. */
  hybridSearch(query: string, options?: HybridSearchOptions): HybridHit[];
  /** What happened while opening: a file moved aside, an upgrade, interrupted messages. */
  readonly openReport: OpenReport;
  /** The underlying connection, for the sync engine's own transactions and for diagnostics. */
  readonly db: Database;
  /** Copies the WAL into the database file now (normally done in the background). */
  checkpoint(): Promise<void>;
  /**
   * Encrypts the file with `newKey`, changes its key, or (`undefined`) stores it unencrypted,
   * while the app runs: the connection is closed, the file rewritten on a worker thread (a
   * snapshot first, see `rekeyDatabaseFile`) and opened again, so the same `Store` keeps
   * working. Meanwhile every use of the store throws `busy`. On failure the file is as it was
   * and opens with the old key again.
   */
  rekey(
    newKey: string | undefined,
    options?: { onProgress?: (fraction: number) => void },
  ): Promise<void>;
  close(): void;
};

export type OpenReport = {
  /** Set when an unreadable file was found at the path and moved aside; its message says where. */
  recovered: StoreError | null;
  previousVersion: number;
  snapshotPath: string | null;
  interruptedMessages: number;
};

function readOrCreateDeviceId(db: Database): string {
  const row = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'device_id'")
    .get();
  if (row !== undefined) return row.value;
  const deviceId = randomUUID();
  db.prepare("INSERT INTO meta (key, value) VALUES ('device_id', ?)").run(deviceId);
  return deviceId;
}

/** What one open connection serves; rebuilt when `rekey` reopens the file. */
type Live = Omit<Store, 'path' | 'deviceId' | 'openReport' | 'rekey' | 'close'> & {
  close(): void;
};

function buildLive(
  opened: OpenedDatabase,
  options: OpenStoreOptions & { now: () => number; newId: () => string },
  shared: { deviceId: string; changeListeners: Set<() => void> },
): Live & { interruptedMessages: number } {
  const { deviceId, changeListeners } = shared;
  const { db } = opened;
  const { now, newId } = options;
  const last = db
    .prepare<[], { hlc: string }>('SELECT hlc FROM changes ORDER BY seq DESC LIMIT 1')
    .get()?.hlc;
  const clock = new HybridLogicalClock({ node: deviceId, now, last });
  const ctx: StoreContext = {
    db,
    clock,
    deviceId,
    now,
    newId,
    recordChange: changeRecorder(db, {
      clock,
      deviceId,
      onRecorded: () => {
        for (const listener of changeListeners) listener();
      },
    }),
  };
  const changes = createChangeLogReader(db, changeListeners);
  const messages = createMessageRepository(ctx);
  const embeddings = createEmbeddingRepository(db, { now });
  const search = createSearch(db);
  const hybridSearch = createHybridSearch({ db, search, embeddings });
  const interruptedMessages = messages.markInterruptedOnOpen();
  const checkpointOption = options.checkpoint ?? { mode: 'worker' };
  let checkpointer: Checkpointer | null = null;
  if (checkpointOption.mode === 'worker') {
    db.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer({
      file: db.name,
      key: options.key,
      nativeBinding: options.nativeBinding,
      intervalMs: checkpointOption.intervalMs ?? 1000,
    });
  }
  return {
    interruptedMessages,
    chats: createChatRepository(ctx),
    messages,
    settings: createSettingsRepository(ctx),
    presets: createPresetRepository(ctx),
    models: createModelRepository(ctx),
    changes,
    sync: createSyncRepository(ctx, changes),
    search,
    embeddings,
    codeUndos: createCodeUndoRepository(db, now),
    hybridSearch,
    db,
    async checkpoint() {
      if (checkpointer === null) db.pragma('wal_checkpoint(PASSIVE)');
      else await checkpointer.checkpointNow();
    },
    close() {
      checkpointer?.close();
      db.pragma('optimize');
      db.close();
    },
  };
}

/**
 * Opens (creating, upgrading or recovering as needed) the local store. Throws a `StoreError` for
 * a newer schema (`newer-version`), a wrong or missing key (`wrong-key`, `key-required`) or a
 * failed upgrade (`migration-failed`); none of these touch the file.
 */
export function openStore(options: OpenStoreOptions): Store {
  const settings = {
    ...options,
    now: options.now ?? Date.now,
    newId: options.newId ?? timeOrderedIds(options.now),
  };
  const open = (key: string | undefined) =>
    openDatabase({
      path: options.path,
      key,
      nativeBinding: options.nativeBinding,
      now: settings.now,
      snapshotsToKeep: options.snapshotsToKeep ?? 3,
    });
  const opened = open(options.key);
  const changeListeners = new Set<() => void>();
  let deviceId: string;
  let first: ReturnType<typeof buildLive>;
  try {
    deviceId = options.deviceId ?? readOrCreateDeviceId(opened.db);
    first = buildLive(opened, settings, { deviceId, changeListeners });
    // At the app's start only: reopened after a rekey, the undos of this run stay.
    first.codeUndos.clearOnOpen();
  } catch (error) {
    opened.db.close();
    throw error;
  }
  let key = options.key;
  let live: Live | null = first;
  let state: 'open' | 'rekeying' | 'closed' = 'open';
  const current = (): Live => {
    if (live !== null) return live;
    throw state === 'rekeying'
      ? new StoreError(
          'busy',
          'The data is being encrypted or decrypted; try again in a moment.',
          {},
        )
      : new StoreError('closed', 'The store is closed.', {});
  };
  const path = opened.db.name;
  return {
    path,
    deviceId,
    get chats() {
      return current().chats;
    },
    get messages() {
      return current().messages;
    },
    get settings() {
      return current().settings;
    },
    get presets() {
      return current().presets;
    },
    get models() {
      return current().models;
    },
    get changes() {
      return current().changes;
    },
    get sync() {
      return current().sync;
    },
    get search() {
      return current().search;
    },
    get embeddings() {
      return current().embeddings;
    },
    get codeUndos() {
      return current().codeUndos;
    },
    hybridSearch: (query, hybridOptions) => current().hybridSearch(query, hybridOptions),
    openReport: {
      recovered: opened.recovered,
      previousVersion: opened.previousVersion,
      snapshotPath: opened.snapshotPath,
      interruptedMessages: first.interruptedMessages,
    },
    get db() {
      return current().db;
    },
    checkpoint: () => current().checkpoint(),
    async rekey(newKey, rekeyOptions) {
      const closing = current();
      state = 'rekeying';
      live = null;
      closing.close();
      let failure: unknown = null;
      try {
        await rekeyDatabaseFile({
          path,
          key,
          newKey,
          now: settings.now,
          nativeBinding: options.nativeBinding,
          onProgress: rekeyOptions?.onProgress,
        });
        key = newKey;
      } catch (error) {
        failure = error;
      }
      // Reopened with whichever key the file has now: the new one, or after a failure (the file
      // put back from its snapshot) the old one; not when the store was closed meanwhile.
      if (state === 'rekeying') {
        live = buildLive(open(key), { ...settings, key }, { deviceId, changeListeners });
        state = 'open';
      }
      if (failure !== null) throw failure;
    },
    close() {
      if (state === 'closed') return;
      const closing = live;
      state = 'closed';
      live = null;
      closing?.close();
    },
  };
}
