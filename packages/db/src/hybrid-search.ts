import type { Database } from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import type { EmbeddingRepository } from './embeddings';
import type { SearchHit } from './schemas';
import type { Search } from './search';

/** The usual constant of reciprocal rank fusion: it damps the weight of the very first ranks. */
const RRF_K = 60;
const PREVIEW_CHARACTERS = 160;

export const hybridSearchOptionsSchema = z.object({
  /** The query's embedding, from the same model as the stored ones; without it, text only. */
  vector: z.union([z.instanceof(Float32Array), z.array(z.number())]).optional(),
  model: z.string().min(1).optional(),
  chatId: z.string().min(1).optional(),
  limit: z.number().int().positive().max(200).default(20),
  /** How many candidates each side contributes before fusion. */
  candidates: z.number().int().positive().max(1_000).default(50),
});
export type HybridSearchOptions = z.input<typeof hybridSearchOptionsSchema>;

export type HybridHit = SearchHit & {
  score: number;
  matchedBy: ('text' | 'semantic')[];
  /** Cosine distance to the query vector, when the message was a semantic candidate. */
  distance: number | null;
};

type MessagePreviewRow = {
  id: string;
  chat_id: string;
  title: string;
  role: SearchHit['role'];
  created_at: number;
  content: string;
};

/**
 * Full-text and semantic candidates fused by reciprocal rank: a message scores
 * sum(1 / (60 + rank)) over the lists it appears in, so one found by both beats one found by
 * either alone, and neither list's raw scores (recency order, cosine distance) need a common
 * scale. Text candidates come newest first (decision 0104), so among text-only hits the
 * newer ranks higher.
 */
export function createHybridSearch(input: {
  db: Database;
  search: Search;
  embeddings: EmbeddingRepository;
}) {
  const preview = input.db.prepare<[string], MessagePreviewRow>(
    `SELECT m.id, m.chat_id, c.title, m.role, m.created_at, m.content
     FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ?`,
  );
  return (query: string, options: HybridSearchOptions = {}): HybridHit[] => {
    const opts = hybridSearchOptionsSchema.parse(options);
    const hits = new Map<string, HybridHit>();
    const textHits = input.search(query, { chatId: opts.chatId, limit: opts.candidates });
    textHits.forEach((hit, rank) => {
      hits.set(hit.messageId, {
        ...hit,
        score: 1 / (RRF_K + rank + 1),
        matchedBy: ['text'],
        distance: null,
      });
    });
    if (opts.vector !== undefined && opts.model !== undefined) {
      const neighbours = input.embeddings.nearest(opts.vector, {
        model: opts.model,
        k: opts.candidates,
        chatId: opts.chatId,
      });
      neighbours.forEach((neighbour, rank) => {
        const score = 1 / (RRF_K + rank + 1);
        const known = hits.get(neighbour.messageId);
        if (known !== undefined) {
          known.score += score;
          known.matchedBy.push('semantic');
          known.distance = neighbour.distance;
          return;
        }
        const row = preview.get(neighbour.messageId);
        if (row === undefined) return;
        hits.set(row.id, {
          messageId: row.id,
          chatId: row.chat_id,
          chatTitle: row.title,
          role: row.role,
          createdAt: row.created_at,
          snippet: [{ text: row.content.slice(0, PREVIEW_CHARACTERS), highlight: false }],
          score,
          matchedBy: ['semantic'],
          distance: neighbour.distance,
        });
      });
    }
    return [...hits.values()]
      .sort((a, b) => b.score - a.score || b.createdAt - a.createdAt)
      .slice(0, opts.limit);
  };
}
