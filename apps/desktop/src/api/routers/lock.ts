import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import type { LockStatus } from '../app-gate';
import type { ApiContext } from '../context';
import { AppError } from '../errors';
import { publicProcedure } from '../trpc';

const OPEN: LockStatus = { locked: false };

const gate = (ctx: ApiContext) => {
  if (ctx.lock === undefined) {
    throw new AppError('invalid-input', 'Your data is open: there is nothing to unlock.');
  }
  return ctx.lock;
};

/** The unlock screen: the only calls that work while the encrypted data waits for its key. */
export const lockRouter = {
  status: publicProcedure.query(({ ctx }) => ctx.lock?.status() ?? OPEN),
  unlock: publicProcedure
    .input(
      z.object({
        passphrase: z.string().min(1, 'Enter the passphrase.').max(1024, 'That is too long.'),
      }),
    )
    .mutation(({ ctx, input }) => gate(ctx).unlock(input.passphrase)),
  startFresh: publicProcedure.mutation(({ ctx }) => gate(ctx).startFresh()),
} satisfies TRPCRouterRecord;
