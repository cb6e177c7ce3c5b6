import type { Store } from '@codeface/db';
import { generateDataKey, unwrapDataKey, wrapDataKey } from '@codeface/sync/crypto';
import {
  SyncEngine,
  createAuthedCaller,
  createHttpTransport,
  createPublicCaller,
  createRefreshingSession,
  refreshTokens,
} from '@codeface/sync/engine';
import { deviceSchema, serverInfoSchema, sessionSchema } from '@codeface/sync/protocol';
import type { Session } from '@codeface/sync/protocol';
import { z } from 'zod';
import { AppError } from '../errors';
import type { SignedInDevice, SyncAccounts, SyncConnection } from '../services/sync-ports';

const okSchema = z.object({ ok: z.boolean() });

/**
 * `@codeface/sync` fitted to the sync service's ports: the account calls over HTTP, and the
 * engine over this device's store with a WebSocket for the live stream.
 */
export function createSyncAccounts(deps: {
  store: Store;
  /** Node's own where it has one; `ws`'s class otherwise. */
  WebSocket: typeof globalThis.WebSocket;
}): SyncAccounts {
  const signedInWith = async (session: Session, password: string): Promise<SignedInDevice> => ({
    session,
    dataKey: await unwrapDataKey({ wrappedDataKey: session.wrappedDataKey, passphrase: password }),
  });

  return {
    async serverInfo(url) {
      const info = await createPublicCaller({ url, timeoutMs: 10_000 })({
        path: 'meta.info',
        kind: 'query',
        output: serverInfoSchema,
      });
      return { protocolVersion: info.protocolVersion };
    },

    async signUp({ url, email, password, deviceName }) {
      const dataKey = generateDataKey();
      const wrappedDataKey = await wrapDataKey({ dataKey, passphrase: password });
      const session = await createPublicCaller({ url })({
        path: 'account.signUp',
        kind: 'mutation',
        input: { email, password, deviceName, wrappedDataKey },
        output: sessionSchema,
      });
      return { session, dataKey, recoveryKey: null };
    },

    async signIn({ url, email, password, deviceName }) {
      const session = await createPublicCaller({ url })({
        path: 'account.signIn',
        kind: 'mutation',
        input: { email, password, deviceName },
        output: sessionSchema,
      });
      return signedInWith(session, password);
    },

    signInWithRecoveryKey() {
      return Promise.reject(
        new AppError(
          'sync-error',
          'This sync server does not take recovery keys yet. Sign in with your password.',
        ),
      );
    },

    connect({ url, signedIn, onTokens }) {
      const { userId, deviceId } = signedIn.session;
      const credentials = createRefreshingSession({
        tokens: signedIn.session,
        refresh: (refreshToken) => refreshTokens({ url, refreshToken }),
        onTokens: (tokens) => onTokens({ ...tokens, userId, deviceId }),
      });
      const engine = new SyncEngine({
        store: deps.store,
        transport: createHttpTransport({ url, credentials, WebSocket: deps.WebSocket }),
        dataKey: signedIn.dataKey,
        account: `${url}|${userId}`,
      });
      const authed = createAuthedCaller({ url, credentials });
      const mutate = (path: string, input: unknown) =>
        authed({ path, kind: 'mutation', input, output: okSchema });
      engine.start();
      const connection: SyncConnection = {
        account: {
          devices: () =>
            authed({ path: 'devices.list', kind: 'query', output: deviceSchema.array() }),
          revokeDevice: async (id) => {
            await mutate('devices.revoke', { deviceId: id });
          },
          async changePassword({ currentPassword, newPassword }) {
            const wrappedDataKey = await wrapDataKey({
              dataKey: signedIn.dataKey,
              passphrase: newPassword,
            });
            await mutate('account.changePassword', {
              currentPassword,
              newPassword,
              wrappedDataKey,
            });
          },
          signOut: async () => {
            await mutate('account.signOut', {});
          },
          deleteAccount: async (password) => {
            await mutate('account.deleteAccount', { password });
          },
        },
        status: () => engine.status(),
        onStatus: (listener) => engine.onStatus(listener),
        onRemoteChanges: (listener) =>
          engine.onRemoteChanges((report) =>
            listener({
              chatIds: [...report.chatIds],
              presets: report.presets,
              settingKeys: [...report.settingKeys],
            }),
          ),
        syncNow: () => engine.syncNow(),
        stop: () => engine.stop(),
      };
      return connection;
    },
  };
}
