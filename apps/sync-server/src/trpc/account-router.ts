import {
  accountParamsInputSchema,
  changePasswordInputSchema,
  deleteAccountInputSchema,
  recoverySignInInputSchema,
  refreshInputSchema,
  signInInputSchema,
  signUpInputSchema,
} from '@codeface/sync/protocol';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authedProcedure, publicProcedure } from './trpc';

export const accountRouter = {
  // A mutation, so that the email travels in the body and stays out of URLs and access logs.
  params: publicProcedure
    .input(accountParamsInputSchema)
    .mutation(({ ctx, input }) => ctx.services.accounts.params(input.email)),
  signUp: publicProcedure
    .input(signUpInputSchema)
    .mutation(({ ctx, input }) => ctx.services.accounts.signUp(input, ctx.clientIp)),
  signIn: publicProcedure
    .input(signInInputSchema)
    .mutation(({ ctx, input }) => ctx.services.accounts.signIn(input, ctx.clientIp)),
  signInWithRecoveryKey: publicProcedure
    .input(recoverySignInInputSchema)
    .mutation(({ ctx, input }) => ctx.services.accounts.signInWithRecoveryKey(input, ctx.clientIp)),
  refresh: publicProcedure
    .input(refreshInputSchema)
    .mutation(({ ctx, input }) => ctx.services.accounts.refresh(input.refreshToken)),
  signOut: authedProcedure.input(z.strictObject({}).optional()).mutation(async ({ ctx }) => {
    await ctx.services.accounts.signOut(ctx.caller);
    return { ok: true as const };
  }),
  changePassword: authedProcedure
    .input(changePasswordInputSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.accounts.changePassword(ctx.caller, input, ctx.clientIp);
      return { ok: true as const };
    }),
  deleteAccount: authedProcedure
    .input(deleteAccountInputSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.accounts.deleteAccount(ctx.caller, input, ctx.clientIp);
      return { ok: true as const };
    }),
  wrappedDataKey: authedProcedure.input(z.strictObject({}).optional()).query(async ({ ctx }) => ({
    wrappedDataKey: await ctx.services.accounts.wrappedDataKey(ctx.caller),
  })),
} satisfies TRPCRouterRecord;
