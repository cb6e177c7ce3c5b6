import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc';

/** Settings → Privacy: encryption at rest of the local data. */
export const privacyRouter = {
  status: publicProcedure.query(({ ctx }) => ctx.services.privacy.status()),
  /** Desktop app: a key in the keychain; the data is encrypted at the next start. */
  encrypt: publicProcedure.mutation(({ ctx }) => ctx.services.privacy.encrypt()),
} satisfies TRPCRouterRecord;
