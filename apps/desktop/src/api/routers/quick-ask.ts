import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id, messageText } from '../schemas';
import { publicProcedure } from '../trpc';

export const quickAskRouter = {
  /** Whether the global hotkey works, and if not, why, in words. */
  hotkeyStatus: publicProcedure.query(({ ctx }) => ctx.services.quickAsk.hotkeyStatus()),
  /** The clipboard and selection (desktop app); null where the page reads the clipboard itself. */
  context: publicProcedure.query(({ ctx }) => ctx.services.quickAsk.context()),
  /** Evaluates the question being typed, before its chat exists, so the answer starts at once. */
  prefill: publicProcedure
    .input(z.object({ preset: id.nullable(), content: messageText }))
    .mutation(async ({ ctx, input }) => ({ tokens: await ctx.services.quickAsk.prefill(input) })),
} satisfies TRPCRouterRecord;
