import type { Database } from 'better-sqlite3-multiple-ciphers';
import { randomUUID } from 'node:crypto';
import { type ChangeLogReader, createChangeLogReader } from './changes';
import { type ChatRepository, createChatRepository } from './chats';
import { type CodeUndoRepository, createCodeUndoRepository } from './code-undos';
import { type Checkpointer, startCheckpointer } from './checkpointer';
import { type StoreContext, changeRecorder } from './context';
import type { StoreError } from './errors';
import { type EmbeddingRepository, createEmbeddingRepository } from './embeddings';
import { HybridLogicalClock } from './hlc';
import { type HybridHit, type HybridSearchOptions, createHybridSearch } from './hybrid-search';
import { type MessageRepository, createMessageRepository } from './messages';
import { type ModelRepository, createModelRepository } from './models';
import { openDatabase } from './open-database';
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
  close(): void;
};

export type OpenReport = {
  /** Set when an unreadable file was found at the path and moved aside; its message says where. */
  recovered: StoreError | null;
  previousVersion: number;
  snapshotPath: string | null;
  interruptedMessages: number;
};

function readOrCreateDeviceId(db: Database, create: () => string): string {
  const row = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'device_id'")
    .get();
  if (row !== undefined) return row.value;
  const deviceId = create();
  db.prepare("INSERT INTO meta (key, value) VALUES ('device_id', ?)").run(deviceId);
  return deviceId;
}

/**
 * Opens (creating, upgrading or recovering as needed) the local store. Throws a `StoreError` for
 * a newer schema (`newer-version`), a wrong or missing key (`wrong-key`, `key-required`) or a
 * failed upgrade (`migration-failed`); none of these touch the file.
 */
export function openStore(options: OpenStoreOptions): Store {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const opened = openDatabase({
    path: options.path,
    key: options.key,
    nativeBinding: options.nativeBinding,
    now,
    snapshotsToKeep: options.snapshotsToKeep ?? 3,
  });
  const { db } = opened;
  try {
    const deviceId = options.deviceId ?? readOrCreateDeviceId(db, newId);
    const last = db
      .prepare<[], { hlc: string }>('SELECT hlc FROM changes ORDER BY seq DESC LIMIT 1')
      .get()?.hlc;
    const clock = new HybridLogicalClock({ node: deviceId, now, last });
    const changeListeners = new Set<() => void>();
    const ctx: StoreContext = {
      db,
      clock,
      deviceId,
      now,
      newId,
      recordChange: changeRecorder(db, {
        clock,
        deviceId,
        newId,
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
    const codeUndos = createCodeUndoRepository(db, now);
    codeUndos.clearOnOpen();
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
    let closed = false;
    return {
      path: db.name,
      deviceId,
      chats: createChatRepository(ctx),
      messages,
      settings: createSettingsRepository(ctx),
      presets: createPresetRepository(ctx),
      models: createModelRepository(ctx),
      changes,
      sync: createSyncRepository(ctx, changes),
      search,
      embeddings,
      codeUndos,
      hybridSearch,
      openReport: {
        recovered: opened.recovered,
        previousVersion: opened.previousVersion,
        snapshotPath: opened.snapshotPath,
        interruptedMessages,
      },
      db,
      async checkpoint() {
        if (checkpointer === null) db.pragma('wal_checkpoint(PASSIVE)');
        else await checkpointer.checkpointNow();
      },
      close() {
        if (closed) return;
        closed = true;
        checkpointer?.close();
        db.pragma('optimize');
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
