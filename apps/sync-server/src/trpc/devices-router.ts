import { revokeDeviceInputSchema } from '@codeface/sync/protocol';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authedProcedure } from './trpc';

export const devicesRouter = {
  list: authedProcedure
    .input(z.strictObject({}).optional())
    .query(({ ctx }) => ctx.services.accounts.listDevices(ctx.caller)),
  revoke: authedProcedure.input(revokeDeviceInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.services.accounts.revokeDevice(ctx.caller, input.deviceId);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
