import { SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { z } from 'zod';
import { accountRouter } from './account-router';
import { devicesRouter } from './devices-router';
import { syncRouter } from './sync-router';
import { publicProcedure, router } from './trpc';

export const appRouter = router({
  meta: router({
    info: publicProcedure.input(z.strictObject({}).optional()).query(({ ctx }) => ({
      protocolVersion: SYNC_PROTOCOL_VERSION,
      limits: ctx.services.limits,
    })),
  }),
  account: router(accountRouter),
  devices: router(devicesRouter),
  sync: router(syncRouter),
});

/** The router's type, for clients (`createTRPCClient<AppRouter>`). */
export type AppRouter = typeof appRouter;
