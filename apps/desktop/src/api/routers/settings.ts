import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { presetSaveInput, settingsPatchSchema } from '../settings-schema';
import { publicProcedure } from '../trpc';

export const settingsRouter = {
  get: publicProcedure.query(({ ctx }) => ctx.services.settings.get()),
  update: publicProcedure
    .input(settingsPatchSchema)
    .mutation(({ ctx, input }) => ctx.services.settings.update(input)),
} satisfies TRPCRouterRecord;

export const presetsRouter = {
  list: publicProcedure.query(({ ctx }) => ctx.services.presets.list()),
  save: publicProcedure
    .input(presetSaveInput)
    .mutation(({ ctx, input }) => ctx.services.presets.save(input)),
  delete: publicProcedure
    .input(z.object({ presetId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => {
      ctx.services.presets.delete(input.presetId);
      return { presetId: input.presetId };
    }),
} satisfies TRPCRouterRecord;
