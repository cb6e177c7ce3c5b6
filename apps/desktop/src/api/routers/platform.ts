import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc';

export const platformRouter = {
  info: publicProcedure.query(({ ctx }) => {
    const { kind, dataDir, canPickFiles } = ctx.services.platform;
    return { kind, dataDir, canPickFiles };
  }),
  openExternal: publicProcedure
    .input(
      z.object({
        url: z.url({ protocol: /^https?$/, error: 'Only http and https links can be opened.' }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.services.platform.openExternal(input.url);
      return { opened: true };
    }),
} satisfies TRPCRouterRecord;
