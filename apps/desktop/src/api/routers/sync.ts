import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listen } from '../services/listen';
import {
  deviceNameSchema,
  syncChangePasswordInput,
  syncDeleteAccountInput,
  syncServerInput,
  syncSignInInput,
  syncSignUpInput,
} from '../services/sync-service';
import { publicProcedure } from '../trpc';

/** Settings → Sync and the sidebar's sync indicator. */
export const syncRouter = {
  view: publicProcedure.query(({ ctx }) => ctx.services.sync.view()),
  /** The view now, then on every change of the account or the engine's status. */
  watch: publicProcedure.subscription(async function* ({ ctx, signal }) {
    const stop = signal ?? new AbortController().signal;
    yield ctx.services.sync.view();
    yield* listen({
      subscribe: (listener) => ctx.services.sync.onView(listener),
      keyOf: () => 'view',
      signal: stop,
    });
  }),
  /** What each page of remote changes touched, so the pages refresh without a reload. */
  remoteChanges: publicProcedure.subscription(async function* ({ ctx, signal }) {
    const stop = signal ?? new AbortController().signal;
    let sequence = 0;
    yield* listen({
      subscribe: (listener) => ctx.services.sync.onRemoteChanges(listener),
      // Every page is delivered: two pages may touch different chats.
      keyOf: () => String(sequence++),
      signal: stop,
    });
  }),
  /** Asks the server its protocol version, or fails with a sentence that says what is wrong. */
  testConnection: publicProcedure
    .input(syncServerInput)
    .mutation(({ ctx, input }) => ctx.services.sync.testConnection(input)),
  setDeviceName: publicProcedure
    .input(z.object({ name: deviceNameSchema }))
    .mutation(({ ctx, input }) => ctx.services.sync.setDeviceName(input.name)),
  signUp: publicProcedure
    .input(syncSignUpInput)
    .mutation(({ ctx, input }) => ctx.services.sync.signUp(input)),
  signIn: publicProcedure
    .input(syncSignInInput)
    .mutation(({ ctx, input }) => ctx.services.sync.signIn(input)),
  /** The recovery key made at sign-up, in groups; null once the person saved it. */
  recoveryKey: publicProcedure.query(({ ctx }) => ctx.services.sync.recoveryKey()),
  confirmRecoveryKeySaved: publicProcedure.mutation(({ ctx }) =>
    ctx.services.sync.confirmRecoveryKeySaved(),
  ),
  devices: publicProcedure.query(({ ctx }) => ctx.services.sync.devices()),
  revokeDevice: publicProcedure
    .input(z.object({ deviceId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => ctx.services.sync.revokeDevice(input.deviceId)),
  changePassword: publicProcedure
    .input(syncChangePasswordInput)
    .mutation(({ ctx, input }) => ctx.services.sync.changePassword(input)),
  signOut: publicProcedure.mutation(({ ctx }) => ctx.services.sync.signOut()),
  deleteAccount: publicProcedure
    .input(syncDeleteAccountInput)
    .mutation(({ ctx, input }) => ctx.services.sync.deleteAccount(input)),
  syncNow: publicProcedure.mutation(({ ctx }) => {
    ctx.services.sync.syncNow();
    return ctx.services.sync.view();
  }),
} satisfies TRPCRouterRecord;
