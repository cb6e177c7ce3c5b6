import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors';
import { migrations, SCHEMA_VERSION } from './migrations';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Every SQLite page size is a multiple of this, so every whole database file is too. */
const MIN_PAGE_SIZE = 512;

type FileKind = 'missing' | 'sqlite' | 'maybe-encrypted' | 'not-database';

/**
 * Classifies the file before SQLite sees it. An encrypted database looks like random bytes, so a
 * file without the SQLite header is only called "not a database" when its size could not be a
 * database at all; otherwise it may be an encrypted one and is never moved on a guess.
 */
function inspectFile(file: string): FileKind {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return 'missing';
  }
  if (size === 0) return 'missing';
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.equals(SQLITE_HEADER)) return 'sqlite';
  return size % MIN_PAGE_SIZE === 0 ? 'maybe-encrypted' : 'not-database';
}

export function fileStamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

/** Moves a database and its WAL side files aside, never deleting anything; returns the new path. */
function moveAside(file: string, now: number): string {
  let target = `${file}.corrupt-${fileStamp(now)}`;
  for (let n = 1; fs.existsSync(target); n += 1) target = `${file}.corrupt-${fileStamp(now)}-${n}`;
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

const UNREADABLE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Opens the connection and reads enough of the file to prove it is a database we can use. On
 * failure the connection is handed back still open: closing it could checkpoint or delete a WAL
 * file that has to be moved aside with the database first.
 */
function connect(
  file: string,
  key: string | undefined,
  nativeBinding: string | undefined,
): { db: Database.Database; error: null } | { db: Database.Database; error: unknown } {
  const db = new Database(file, { nativeBinding });
  try {
    if (key !== undefined) db.pragma(`key = '${key.replaceAll("'", "''")}'`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return { db, error: null };
  } catch (error) {
    return { db, error };
  }
}

/** Settings applied only once the file is known to be ours, since WAL mode rewrites its header. */
function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode never loses a committed transaction when the process dies; only a power
  // cut or OS crash can drop the last commits. See SPEC.md, "Durability".
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

export type OpenedDatabase = {
  db: Database.Database;
  /** Set when an unreadable file was found at the path and moved aside for a fresh store. */
  recovered: StoreError | null;
  /** The schema version the file had before this open (0 for a new file). */
  previousVersion: number;
  snapshotPath: string | null;
};

export type OpenDatabaseOptions = {
  path: string;
  key?: string;
  /** See OpenStoreOptions.nativeBinding. */
  nativeBinding?: string;
  now: () => number;
  snapshotsToKeep: number;
};

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const file = path.resolve(options.path);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const kind = inspectFile(file);
  let recovered: StoreError | null = null;

  const recover = (reason: string): void => {
    const movedTo = moveAside(file, options.now());
    recovered = new StoreError(
      'corrupt-file-moved',
      `The database at ${file} could not be read (${reason}). It was moved to ${movedTo} and a new, empty store was started.`,
      { path: file, movedTo, reason },
    );
  };

  if (kind === 'not-database') recover('not a SQLite database');
  if (kind === 'maybe-encrypted' && options.key === undefined) {
    throw new StoreError(
      'key-required',
      `The database at ${file} is encrypted or unreadable; open it with its key.`,
      { path: file },
    );
  }

  const first = connect(file, options.key, options.nativeBinding);
  let db = first.db;
  if (first.error !== null) {
    const code = errorCode(first.error);
    if (code === undefined || !UNREADABLE_CODES.has(code)) {
      db.close();
      throw first.error;
    }
    if (options.key !== undefined && code === 'SQLITE_NOTADB') {
      db.close();
      // With a key, "not a database" is what a wrong key looks like; the file is left alone.
      throw new StoreError(
        'wrong-key',
        kind === 'sqlite'
          ? `The database at ${file} is not encrypted, but a key was given.`
          : `The database at ${file} could not be decrypted: wrong key.`,
        { path: file },
      );
    }
    recover(code === 'SQLITE_CORRUPT' ? 'the file is corrupt' : 'not a SQLite database');
    db.close();
    const fresh = connect(file, options.key, options.nativeBinding);
    if (fresh.error !== null) {
      fresh.db.close();
      throw fresh.error;
    }
    db = fresh.db;
  }

  const previousVersion = db.pragma('user_version', { simple: true }) as number;
  if (previousVersion > SCHEMA_VERSION) {
    db.close();
    throw new StoreError(
      'newer-version',
      `The database at ${file} was written by a newer CodeFace (schema ${previousVersion}; this version supports up to ${SCHEMA_VERSION}). Update CodeFace to open it; the file was not changed.`,
      { path: file, fileVersion: previousVersion, supportedVersion: SCHEMA_VERSION },
    );
  }

  configure(db);
  let snapshotPath: string | null = null;
  if (previousVersion > 0 && previousVersion < SCHEMA_VERSION) {
    snapshotPath = takeSnapshot({ db, file, version: previousVersion, now: options.now() });
    pruneSnapshots(file, options.snapshotsToKeep);
  }
  try {
    migrate(db, previousVersion);
  } catch (error) {
    const reachedVersion = db.pragma('user_version', { simple: true }) as number;
    db.close();
    throw new StoreError(
      'migration-failed',
      `Upgrading the database at ${file} from schema ${previousVersion} failed: ${String(error)}. The file was left at schema ${reachedVersion}${snapshotPath === null ? '' : `, and a copy from before the upgrade is at ${snapshotPath}`}.`,
      {
        path: file,
        fromVersion: previousVersion,
        reachedVersion,
        snapshotPath,
        cause: String(error),
      },
    );
  }
  return { db, recovered, previousVersion, snapshotPath };
}

function migrate(db: Database.Database, fromVersion: number): void {
  for (const migration of migrations) {
    if (migration.version <= fromVersion) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

export const SNAPSHOT_MARKER = '.snapshot-';

/**
 * Copies the whole database next to it before an upgrade. VACUUM INTO is SQLite's consistent
 * online copy; unlike the backup API as exposed by the cipher build, it keeps the cipher and key
 * of an encrypted database (the backup API refuses an encrypted source with a plain target) and
 * runs synchronously (decision 0102).
 */
function takeSnapshot(input: {
  db: Database.Database;
  file: string;
  version: number;
  now: number;
}): string {
  const target = `${input.file}${SNAPSHOT_MARKER}${fileStamp(input.now)}-v${input.version}`;
  input.db.prepare('VACUUM INTO ?').run(target);
  return target;
}

/** Keeps the newest snapshots; names sort by time because the stamp is ISO-8601. */
function pruneSnapshots(file: string, keep: number): void {
  const dir = path.dirname(file);
  const prefix = path.basename(file) + SNAPSHOT_MARKER;
  const snapshots = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .sort();
  for (const name of snapshots.slice(0, Math.max(0, snapshots.length - keep))) {
    fs.rmSync(path.join(dir, name));
  }
}

export function listSnapshots(file: string): string[] {
  const resolved = path.resolve(file);
  const prefix = path.basename(resolved) + SNAPSHOT_MARKER;
  return fs
    .readdirSync(path.dirname(resolved))
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => path.join(path.dirname(resolved), name));
}

/** Whether the file at `file` is absent, a plain SQLite database, or something else (encrypted). */
export function databaseFileState(file: string): 'missing' | 'plain' | 'encrypted-or-unreadable' {
  const kind = inspectFile(path.resolve(file));
  if (kind === 'missing') return 'missing';
  return kind === 'sqlite' ? 'plain' : 'encrypted-or-unreadable';
}
