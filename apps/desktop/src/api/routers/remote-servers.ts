import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id, remoteServerInput } from '../schemas';
import { publicProcedure } from '../trpc';

/** OpenAI-compatible servers on other machines, whose models the app can use like its own. */
export const remoteServersRouter = {
  list: publicProcedure.query(({ ctx }) => ctx.services.remoteServers.list()),
  /** Lists the server's models, or fails with a sentence that says what is wrong. */
  test: publicProcedure
    .input(remoteServerInput)
    .mutation(({ ctx, input }) => ctx.services.remoteServers.test(input)),
  add: publicProcedure
    .input(remoteServerInput)
    .mutation(({ ctx, input }) => ctx.services.remoteServers.add(input)),
  remove: publicProcedure.input(z.object({ serverId: id })).mutation(async ({ ctx, input }) => {
    await ctx.services.remoteServers.remove(input.serverId);
    return { serverId: input.serverId };
  }),
  /** Each server's models (ids to pass to `models.load`), or why they could not be listed. */
  models: publicProcedure.query(({ ctx }) => ctx.services.remoteServers.models()),
} satisfies TRPCRouterRecord;
