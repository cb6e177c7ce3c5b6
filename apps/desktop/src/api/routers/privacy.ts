import type { TRPCRouterRecord } from '@trpc/server';
import { changePassphraseInput, decryptInput, encryptInput } from '../services/privacy-service';
import { publicProcedure } from '../trpc';

/** Settings → Privacy: encryption at rest of the local data, changed while the app runs. */
export const privacyRouter = {
  /** Also polled for the progress while the file is being rewritten. */
  status: publicProcedure.query(({ ctx }) => ctx.services.privacy.status()),
  encrypt: publicProcedure
    .input(encryptInput)
    .mutation(({ ctx, input }) => ctx.services.privacy.encrypt(input)),
  decrypt: publicProcedure
    .input(decryptInput)
    .mutation(({ ctx, input }) => ctx.services.privacy.decrypt(input)),
  changePassphrase: publicProcedure
    .input(changePassphraseInput)
    .mutation(({ ctx, input }) => ctx.services.privacy.changePassphrase(input)),
} satisfies TRPCRouterRecord;
