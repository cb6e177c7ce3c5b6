import type { Database } from 'better-sqlite3-multiple-ciphers';
import { type Change, type ChangeEntity, changeSchema } from './schemas';

type ChangeRow = {
  seq: number;
  id: string;
  entity: string;
  entity_id: string;
  op: string;
  hlc: string;
  device_id: string;
  fields: string;
};

export type ChangePage = {
  changes: Change[];
  /** Pass back as `cursor` to read on; equal to the given cursor when nothing was new. */
  cursor: number;
  hasMore: boolean;
};

export type ChangeLogReader = ReturnType<typeof createChangeLogReader>;

/** Read access to the local change log, for the sync client. */
export function createChangeLogReader(db: Database, listeners: Set<() => void>) {
  const page = db.prepare<[number, number], ChangeRow>(
    'SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  return {
    /** Changes after `cursor` (0 = from the start), oldest first. */
    since(cursor = 0, limit = 500): ChangePage {
      const rows = page.all(cursor, limit + 1);
      const changes = rows.slice(0, limit).map((row) =>
        changeSchema.parse({
          seq: row.seq,
          id: row.id,
          entity: row.entity,
          entityId: row.entity_id,
          op: row.op,
          hlc: row.hlc,
          deviceId: row.device_id,
          fields: JSON.parse(row.fields),
        }),
      );
      return { changes, cursor: changes.at(-1)?.seq ?? cursor, hasMore: rows.length > limit };
    },
    /** How many changes came after `cursor`, counting only these entities when given. */
    countSince(cursor: number, entities?: readonly ChangeEntity[]): number {
      const row = db
        .prepare<[{ cursor: number; entities: string | null }], { count: number }>(
          `SELECT count(*) AS count FROM changes WHERE seq > @cursor
           AND (@entities IS NULL OR entity IN (SELECT value FROM json_each(@entities)))`,
        )
        .get({ cursor, entities: entities === undefined ? null : JSON.stringify(entities) });
      return row?.count ?? 0;
    },
    /**
     * Calls `listener` after each transaction that logged changes (once per burst), e.g. to push
     * them. Returns the function that stops it. Listeners must not throw.
     */
    onRecorded(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** The cursor of the newest change (0 when the log is empty). */
    latestCursor(): number {
      return (
        db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM changes').get()?.seq ??
        0
      );
    },
  };
}
