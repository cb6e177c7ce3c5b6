import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { contextBudgetInput, generateInput, id, messageText } from '../schemas';
import type { GenerationEvent } from '../schemas';
import { publicProcedure } from '../trpc';

export const messagesRouter = {
  /** The chat's active branch, oldest first, with sibling ids for the branch switcher. */
  branch: publicProcedure.input(z.object({ chatId: id })).query(async ({ ctx, input }) => {
    await ctx.services.generation.settleStopped(input.chatId);
    return ctx.services.chats.branch(input.chatId);
  }),
  /** Stops the answer being written (as unsubscribing does) and returns once it is saved. */
  stop: publicProcedure.input(z.object({ messageId: id })).mutation(async ({ ctx, input }) => {
    await ctx.services.generation.stop(input.messageId);
    return ctx.services.chats.message(input.messageId);
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
   * Sends, regenerates or edits-and-resends, and streams the answer: `started`, then `delta`s,
   * then `done` or `error`. Unsubscribing stops the model; what it wrote so far is kept.
   */
  generate: publicProcedure.input(generateInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }): AsyncGenerator<GenerationEvent> {
    const abort = signal ?? new AbortController().signal;
    yield* ctx.services.generation.generate(input, {
      signal: abort,
      transportReady: ctx.transportReady,
    });
  }),
} satisfies TRPCRouterRecord;
