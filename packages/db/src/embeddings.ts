import type { Database } from 'better-sqlite3-multiple-ciphers';
import * as sqliteVec from 'sqlite-vec';
import { z } from 'zod';
import { StoreError } from './errors';
import { VectorIndex } from './vector-index';

/** How nearest-neighbour search runs: inside SQLite with sqlite-vec, or a scan in JavaScript. */
export type VectorBackend = 'sqlite-vec' | 'javascript';

/** Loads sqlite-vec into the connection; where it cannot load, search scans in JavaScript. */
export function loadVectorExtension(db: Database): VectorBackend {
  try {
    sqliteVec.load(db);
    return 'sqlite-vec';
  } catch {
    return 'javascript';
  }
}

export const putEmbeddingInputSchema = z.object({
  messageId: z.string().min(1),
  /** The embedding model's id; vectors of different models are never compared. */
  model: z.string().min(1),
  vector: z
    .union([z.instanceof(Float32Array), z.array(z.number())])
    .refine((vector) => vector.length > 0, 'empty vector'),
});
export type PutEmbeddingInput = z.input<typeof putEmbeddingInputSchema>;

export const nearestOptionsSchema = z.object({
  model: z.string().min(1),
  k: z.number().int().positive().max(1_000).default(20),
  chatId: z.string().min(1).optional(),
});
export type NearestOptions = z.input<typeof nearestOptionsSchema>;

export type Neighbour = { messageId: string; chatId: string; distance: number };

function toBlob(vector: Float32Array | number[]): Buffer {
  const floats = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

function toFloats(blob: Buffer): Float32Array {
  // Copied, because a Buffer from SQLite need not be aligned for a Float32Array view.
  const floats = new Float32Array(blob.byteLength / 4);
  new Uint8Array(floats.buffer).set(blob);
  return floats;
}

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 1 : 1 - dot / Math.sqrt(normA * normB);
}

export type EmbeddingRepository = ReturnType<typeof createEmbeddingRepository>;

/**
 * Message embeddings for semantic search. They are derived from message text by a local model,
 * like the full-text index, so they are not in the change log: each device computes its own
 * (decision 0107).
 */
export function createEmbeddingRepository(
  db: Database,
  options: { backend: VectorBackend; now: () => number },
) {
  const upsert = db.prepare(
    `INSERT INTO embeddings (message_id, model, dims, vector, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (model, message_id) DO UPDATE SET dims = excluded.dims,
       vector = excluded.vector, created_at = excluded.created_at`,
  );
  const messageExists = db.prepare<[string], { id: string }>(
    'SELECT id FROM messages WHERE id = ?',
  );

  const chatOf = db.prepare<[string], { chat_id: string }>(
    'SELECT chat_id FROM messages WHERE id = ?',
  );

  /**
   * The candidate rows: one chat's messages through its index, or every vector of the model.
   * Without a chat filter the scan reads the embeddings table alone; chat ids are looked up for
   * the k winners only.
   */
  function candidatesSql(columns: string, chatId: string | undefined): string {
    return chatId === undefined
      ? `SELECT ${columns} FROM embeddings e WHERE e.model = @model AND e.dims = @dims`
      : `SELECT ${columns} FROM messages m
         JOIN embeddings e ON e.model = @model AND e.message_id = m.id
         WHERE m.chat_id = @chatId AND e.dims = @dims`;
  }

  /** Adds each row's chat; a row whose message was deleted since it was indexed is dropped. */
  function withChats(rows: { messageId: string; distance: number }[]): Neighbour[] {
    return rows.flatMap((row) => {
      const chat = chatOf.get(row.messageId);
      return chat === undefined ? [] : [{ ...row, chatId: chat.chat_id }];
    });
  }

  // Built on the first search over all chats, then kept in step by put and remove.
  const indexes = new Map<string, VectorIndex>();
  const vectorsOfModel = db.prepare<[string, number], { messageId: string; vector: Buffer }>(
    'SELECT message_id AS messageId, vector FROM embeddings WHERE model = ? AND dims = ?',
  );

  function indexFor(model: string, dims: number): VectorIndex {
    const key = `${model}\u0000${dims}`;
    let index = indexes.get(key);
    if (index === undefined) {
      index = new VectorIndex(dims);
      for (const row of vectorsOfModel.iterate(model, dims))
        index.put(row.messageId, toFloats(row.vector));
      indexes.set(key, index);
    }
    return index;
  }

  function loadedIndex(model: string, dims: number): VectorIndex | undefined {
    return indexes.get(`${model}\u0000${dims}`);
  }

  function nearestInSqlite(query: Float32Array, opts: z.infer<typeof nearestOptionsSchema>) {
    const sql = `${candidatesSql(
      'e.message_id AS messageId, vec_distance_cosine(e.vector, @query) AS distance',
      opts.chatId,
    )} ORDER BY distance LIMIT @k`;
    const rows = db
      .prepare<Record<string, unknown>, { messageId: string; distance: number }>(sql)
      .all({
        query: toBlob(query),
        model: opts.model,
        dims: query.length,
        k: opts.k,
        chatId: opts.chatId,
      });
    return withChats(rows);
  }

  function nearestInJavaScript(query: Float32Array, opts: z.infer<typeof nearestOptionsSchema>) {
    const rows = db
      .prepare<Record<string, unknown>, { messageId: string; vector: Buffer }>(
        candidatesSql('e.message_id AS messageId, e.vector', opts.chatId),
      )
      .all({ model: opts.model, dims: query.length, chatId: opts.chatId });
    const scored = rows
      .map((row) => ({
        messageId: row.messageId,
        distance: cosineDistance(query, toFloats(row.vector)),
      }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, opts.k);
    return withChats(scored);
  }

  return {
    backend: options.backend,
    /** Stores (or replaces) the embedding of a message for a model. */
    put(input: PutEmbeddingInput): void {
      const parsed = putEmbeddingInputSchema.parse(input);
      if (messageExists.get(parsed.messageId) === undefined) {
        throw new StoreError('not-found', `No message ${parsed.messageId}.`, {
          entity: 'message',
          id: parsed.messageId,
        });
      }
      upsert.run(
        parsed.messageId,
        parsed.model,
        parsed.vector.length,
        toBlob(parsed.vector),
        options.now(),
      );
      const vector =
        parsed.vector instanceof Float32Array ? parsed.vector : Float32Array.from(parsed.vector);
      loadedIndex(parsed.model, vector.length)?.put(parsed.messageId, vector);
    },
    get(messageId: string, model: string): Float32Array | null {
      const row = db
        .prepare<[string, string], { vector: Buffer }>(
          'SELECT vector FROM embeddings WHERE message_id = ? AND model = ?',
        )
        .get(messageId, model);
      return row === undefined ? null : toFloats(row.vector);
    },
    /** Messages with text and no embedding for this model yet, newest first, for the indexer. */
    missing(model: string, limit = 100): { messageId: string; content: string }[] {
      return db
        .prepare<[string, number], { id: string; content: string }>(
          `SELECT m.id, m.content FROM messages m
           WHERE m.status = 'done' AND m.content <> ''
             AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.message_id = m.id)
           ORDER BY m.seq DESC LIMIT ?`,
        )
        .all(model, limit)
        .map((row) => ({ messageId: row.id, content: row.content }));
    },
    /** The k messages closest to the vector by cosine distance (0 = same direction). */
    nearest(vector: Float32Array | number[], nearestOptions: NearestOptions): Neighbour[] {
      const opts = nearestOptionsSchema.parse(nearestOptions);
      const query = vector instanceof Float32Array ? vector : Float32Array.from(vector);
      if (opts.chatId === undefined) {
        // Over-fetch a little so that vectors of messages deleted since indexing cannot leave
        // the result short.
        const found = indexFor(opts.model, query.length).nearest(query, opts.k + 8);
        return withChats(found).slice(0, opts.k);
      }
      return options.backend === 'sqlite-vec'
        ? nearestInSqlite(query, opts)
        : nearestInJavaScript(query, opts);
    },
    remove(messageId: string, model: string): void {
      db.prepare('DELETE FROM embeddings WHERE message_id = ? AND model = ?').run(messageId, model);
      for (const [key, index] of indexes) {
        if (key.startsWith(`${model}\u0000`)) index.remove(messageId);
      }
    },
  };
}
