import type { Database } from 'better-sqlite3-multiple-ciphers';
import { writeTransaction } from './context';
import { type CodeUndo, type CodeUndoTarget, codeUndoSchema } from './schemas';

type CodeUndoRow = {
  target_kind: 'workspace' | 'picked';
  folder: string | null;
  path: string;
  previous: string | null;
  written_hash: string;
};

/** The newest writes that can be undone; an older one says it can no longer be. */
const CODE_UNDOS_KEPT = 50;

function toTarget(row: CodeUndoRow): CodeUndoTarget {
  return row.target_kind === 'workspace' && row.folder !== null
    ? { kind: 'workspace', folder: row.folder, path: row.path }
    : { kind: 'picked', path: row.path };
}

export type CodeUndoRepository = ReturnType<typeof createCodeUndoRepository>;

/**
 * The Undo of code written into files (decision 0515): kept in the store, so it outlives a reload
 * of the window, until the store is next opened (the next app start), which empties it. It belongs
 * to this device and this run: nothing here enters the change log, so it never syncs.
 */
export function createCodeUndoRepository(db: Database, now: () => number) {
  const insert = db.prepare(
    `INSERT INTO code_undos (id, target_kind, folder, path, previous, written_hash, kept_at)
     VALUES (@id, @kind, @folder, @path, @previous, @writtenHash, @keptAt)`,
  );
  // Rowids grow with each insert, so this keeps the newest ones.
  const trim = db.prepare<[number]>(
    `DELETE FROM code_undos
     WHERE rowid NOT IN (SELECT rowid FROM code_undos ORDER BY rowid DESC LIMIT ?)`,
  );
  const selectOne = db.prepare<[string], CodeUndoRow>(
    'SELECT target_kind, folder, path, previous, written_hash FROM code_undos WHERE id = ?',
  );
  const deleteOne = db.prepare<[string]>('DELETE FROM code_undos WHERE id = ?');

  // One transaction, so the new entry is never kept beside more than the newest others.
  const keep = writeTransaction(db, (id: string, input: CodeUndo): void => {
    const undo = codeUndoSchema.parse(input);
    insert.run({
      id,
      kind: undo.target.kind,
      folder: undo.target.kind === 'workspace' ? undo.target.folder : null,
      path: undo.target.path,
      previous: undo.previous,
      writtenHash: undo.writtenHash,
      keptAt: now(),
    });
    trim.run(CODE_UNDOS_KEPT);
  });

  return {
    keep,

    get(id: string): CodeUndo | null {
      const row = selectOne.get(id);
      if (row === undefined) return null;
      return { target: toTarget(row), previous: row.previous, writtenHash: row.written_hash };
    },

    delete(id: string): void {
      deleteOne.run(id);
    },

    /** Empties the table; run when the store opens, which is when the app starts. */
    clearOnOpen(): void {
      db.prepare('DELETE FROM code_undos').run();
    },
  };
}
