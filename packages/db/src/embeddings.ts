import type { Database } from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { StoreError } from './errors';
import { VectorIndex } from './vector-index';

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

export type EmbeddingRepository = ReturnType<typeof createEmbeddingRepository>;

/**
 * Message embeddings for semantic search. They are derived from message text by a local model,
 * like the full-text index, so they are not in the change log: each device computes its own
 * (decision 0107). The table is the source of truth; every nearest-neighbour query is answered by
 * an in-memory `VectorIndex` built from it (decision 0490).
 */
export function createEmbeddingRepository(db: Database, options: { now: () => number }) {
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

  const messagesOfChat = db
    .prepare<[string], string>('SELECT id FROM messages WHERE chat_id = ?')
    .pluck();

  /** Adds each row's chat; a row whose message was deleted since it was indexed is dropped. */
  function withChats(rows: { messageId: string; distance: number }[]): Neighbour[] {
    return rows.flatMap((row) => {
      const chat = chatOf.get(row.messageId);
      return chat === undefined ? [] : [{ ...row, chatId: chat.chat_id }];
    });
  }

  // Built on the first search, then kept in step by put and remove.
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

  return {
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
      const index = indexFor(opts.model, query.length);
      // Over-fetch a little so that vectors of messages deleted since indexing cannot leave
      // the result short.
      const found =
        opts.chatId === undefined
          ? index.nearest(query, opts.k + 8)
          : index.nearestAmong(query, messagesOfChat.all(opts.chatId), opts.k + 8);
      return withChats(found).slice(0, opts.k);
    },
    remove(messageId: string, model: string): void {
      db.prepare('DELETE FROM embeddings WHERE message_id = ? AND model = ?').run(messageId, model);
      for (const [key, index] of indexes) {
        if (key.startsWith(`${model}\u0000`)) index.remove(messageId);
      }
    },
  };
}
