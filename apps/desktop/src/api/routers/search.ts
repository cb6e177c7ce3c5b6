import type { TRPCRouterRecord } from '@trpc/server';
import { searchInput } from '../schemas';
import { listen } from '../services/listen';
import { publicProcedure } from '../trpc';

export const searchRouter = {
  /** Full-text search over every chat and branch, newest first, with snippets as highlighted text runs. */
  fullText: publicProcedure.input(searchInput).query(({ ctx, input }) =>
    input.query.trim() === ''
      ? []
      : ctx.services.store.search({
          text: input.query,
          chatId: input.chatId,
          limit: input.limit,
        }),
  ),
  /**
   * Hybrid search: full-text hits and messages close in meaning (when an embedding model is
   * configured), fused by rank; each hit says which way it was found.
   */
  semantic: publicProcedure.input(searchInput).query(({ ctx, input }) =>
    input.query.trim() === ''
      ? []
      : ctx.services.semantic.search({
          text: input.query,
          chatId: input.chatId,
          limit: input.limit,
        }),
  ),
  /** Background indexing for semantic search: whether it is available, running or paused. */
  indexStatus: publicProcedure.query(({ ctx }) => ctx.services.semantic.status()),
  watchIndex: publicProcedure.subscription(async function* ({ ctx, signal }) {
    const stop = signal ?? new AbortController().signal;
    yield ctx.services.semantic.status();
    yield* listen({
      subscribe: (listener) => ctx.services.semantic.onStatus(listener),
      keyOf: () => 'status',
      signal: stop,
    });
  }),
} satisfies TRPCRouterRecord;
