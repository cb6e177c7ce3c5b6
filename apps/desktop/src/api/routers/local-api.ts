import type { TRPCRouterRecord } from '@trpc/server';
import { apiServerSettingsSchema } from '@codeface/inference';
import { publicProcedure } from '../trpc';

/** The OpenAI-compatible API on 127.0.0.1 that editors and tools use (Settings → Local API). */
export const localApiRouter = {
  status: publicProcedure.query(({ ctx }) => ctx.services.localApi.status()),
  /** Turns it on at a port, or off; fails with a sentence when the port cannot be used. */
  configure: publicProcedure
    .input(apiServerSettingsSchema)
    .mutation(({ ctx, input }) => ctx.services.localApi.configure(input)),
  regenerateToken: publicProcedure.mutation(({ ctx }) => ctx.services.localApi.regenerateToken()),
} satisfies TRPCRouterRecord;
