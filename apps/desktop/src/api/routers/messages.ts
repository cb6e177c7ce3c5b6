import { tracked, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { contextBudgetInput, generateInput, id, messageText } from '../schemas';
import { publicProcedure } from '../trpc';

export const messagesRouter = {
  /** The chat's active branch, oldest first, with sibling ids for the branch switcher. */
  branch: publicProcedure.input(z.object({ chatId: id })).query(async ({ ctx, input }) => {
    // A client that stopped an answer (unsubscribed) and reads the chat gets its saved state.
    await ctx.services.generation.settleStopped(input.chatId);
    return ctx.services.chats.branch(input.chatId);
  }),
  /**
   * Evaluates a draft before it is sent, so its answer starts at once; the composer calls it
   * when typing pauses. Returns the prompt tokens evaluated (0 when there was nothing to do).
   */
  prefill: publicProcedure
    .input(z.object({ chatId: id, content: messageText }))
    .mutation(async ({ ctx, input }) => ({
      tokens: await ctx.services.generation.prefill(input),
    })),
  /**
   * How full the model's context window is with the chat and the message being typed, counted by
   * the loaded model's tokenizer: the context meter. A send is refused exactly when it says the
   * draft does not fit (`freeTokens < 0`).
   */
  contextBudget: publicProcedure
    .input(contextBudgetInput)
    .query(({ ctx, input }) => ctx.services.generation.contextBudget(input)),
  switchBranch: publicProcedure
    .input(z.object({ messageId: id }))
    .mutation(({ ctx, input }) => ctx.services.chats.switchBranch(input.messageId)),
  /**
   * Sends, regenerates, edits-and-resends or continues, and streams the answer: `started`, then
   * `delta`s, then `done` or `error`, each `tracked` so that a client that reconnects goes on
   * where it was. Unsubscribing is how an answer is stopped (what it wrote is kept, with its
   * figures); a dropped connection only waits for the client to come back (0409).
   */
  generate: publicProcedure.input(generateInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const events = ctx.services.generation.generate(input, {
      signal: signal ?? new AbortController().signal,
      transportReady: ctx.transportReady,
      connectionLost: ctx.connectionLost,
      connectionLeft: ctx.connectionLeft,
      page: ctx.page,
    });
    for await (const { id: eventId, event } of events) yield tracked(eventId, event);
  }),
} satisfies TRPCRouterRecord;
