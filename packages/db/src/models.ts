import { type StoreContext, writeTransaction } from './context';
import { StoreError } from './errors';
import { type ModelRecord, type UpsertModelInput, upsertModelInputSchema } from './schemas';

type ModelRow = {
  id: string;
  name: string;
  file_path: string | null;
  format: ModelRecord['format'];
  origin: ModelRecord['origin'];
  catalog_id: string | null;
  size_bytes: number | null;
  sha256: string | null;
  quantization: string | null;
  context_length: number | null;
  metadata: string;
  added_at: number;
  last_used_at: number | null;
};

function toModel(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    filePath: row.file_path,
    format: row.format,
    origin: row.origin,
    catalogId: row.catalog_id,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    quantization: row.quantization,
    contextLength: row.context_length,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    addedAt: row.added_at,
    lastUsedAt: row.last_used_at,
  };
}

export type ModelRepository = ReturnType<typeof createModelRepository>;

/** Model files known on this machine (downloaded, imported or discovered) and their metadata. */
export function createModelRepository(ctx: StoreContext) {
  const { db } = ctx;
  const selectOne = db.prepare<[string], ModelRow>('SELECT * FROM models WHERE id = ?');
  const upsert = db.prepare(
    `INSERT INTO models (id, name, file_path, format, origin, catalog_id, size_bytes, sha256,
       quantization, context_length, metadata, added_at, last_used_at)
     VALUES (@id, @name, @filePath, @format, @origin, @catalogId, @sizeBytes, @sha256,
       @quantization, @contextLength, @metadata, @addedAt, NULL)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, file_path = excluded.file_path,
       format = excluded.format, origin = excluded.origin, catalog_id = excluded.catalog_id,
       size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
       quantization = excluded.quantization, context_length = excluded.context_length,
       metadata = excluded.metadata`,
  );

  function get(id: string): ModelRecord | null {
    const row = selectOne.get(id);
    return row === undefined ? null : toModel(row);
  }

  function require(id: string): ModelRecord {
    const model = get(id);
    if (model === null)
      throw new StoreError('not-found', `No model ${id}.`, { entity: 'model', id });
    return model;
  }

  const put = writeTransaction(db, (input: UpsertModelInput): ModelRecord => {
    const parsed = upsertModelInputSchema.parse(input);
    upsert.run({ ...parsed, metadata: JSON.stringify(parsed.metadata), addedAt: ctx.now() });
    ctx.recordChange({ entity: 'model', entityId: parsed.id, op: 'put', fields: parsed });
    return require(parsed.id);
  });

  const markUsed = writeTransaction(db, (id: string): ModelRecord => {
    require(id);
    const lastUsedAt = ctx.now();
    db.prepare('UPDATE models SET last_used_at = ? WHERE id = ?').run(lastUsedAt, id);
    ctx.recordChange({ entity: 'model', entityId: id, op: 'put', fields: { lastUsedAt } });
    return require(id);
  });

  const remove = writeTransaction(db, (id: string): void => {
    require(id);
    db.prepare('DELETE FROM models WHERE id = ?').run(id);
    ctx.recordChange({ entity: 'model', entityId: id, op: 'delete', fields: {} });
  });

  return {
    /** Adds a model or replaces what is known about it (same id). */
    put,
    get,
    getByPath(filePath: string): ModelRecord | null {
      const row = db
        .prepare<[string], ModelRow>('SELECT * FROM models WHERE file_path = ?')
        .get(filePath);
      return row === undefined ? null : toModel(row);
    },
    /** Most recently used first, then newest added. */
    list(): ModelRecord[] {
      return db
        .prepare<[], ModelRow>(
          'SELECT * FROM models ORDER BY last_used_at IS NULL, last_used_at DESC, added_at DESC',
        )
        .all()
        .map(toModel);
    },
    markUsed,
    remove,
  };
}
