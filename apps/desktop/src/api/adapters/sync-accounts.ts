import type { Store } from '@codeface/db';
import {
  SyncEngine,
  SyncError,
  changePassword,
  createAuthedCaller,
  createHttpTransport,
  createPublicCaller,
  createRefreshingSession,
  deleteAccount,
  refreshTokens,
  signIn,
  signInWithRecoveryKey,
  signUp,
  type SignedIn,
} from '@codeface/sync/engine';
import { deviceSchema, serverInfoSchema } from '@codeface/sync/protocol';
import { z } from 'zod';
import type { SignedInDevice, SyncAccounts, SyncConnection } from '../services/sync-ports';

const okSchema = z.object({ ok: z.boolean() });

/** Reasons that say a device's session is already over: its sign-out has nothing left to do. */
const SESSION_OVER = new Set([
  'device-revoked',
  'refresh-token-reused',
  'refresh-token-invalid',
  'unauthenticated',
  'token-expired',
]);

/**
 * `@codeface/sync` fitted to the sync service's ports: the account calls over HTTP, and the
 * engine over this device's store with a WebSocket for the live stream.
 */
export function createSyncAccounts(deps: {
  store: Store;
  /** Node's own where it has one; `ws`'s class otherwise. */
  WebSocket: typeof globalThis.WebSocket;
}): SyncAccounts {
  // Protocol 2 (decision 0313): the password never leaves the device; @codeface/sync derives.
  const device = ({ userId, deviceId, tokens, dataKey }: SignedIn): SignedInDevice => ({
    session: { userId, deviceId, ...tokens },
    dataKey,
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

    async signUp(request) {
      const { recoveryKey, ...created } = await signUp(request);
      return { ...device(created), recoveryKey };
    },

    signIn: async (request) => device(await signIn(request)),

    async signInWithRecoveryKey(request) {
      const { recoveryKey, ...restored } = await signInWithRecoveryKey(request);
      return { ...device(restored), recoveryKey };
    },

    async signOutDevice({ url, session, onTokens }) {
      const { userId, deviceId } = session;
      const credentials = createRefreshingSession({
        tokens: session,
        refresh: (refreshToken) => refreshTokens({ url, refreshToken }),
        onTokens: (tokens) => onTokens({ ...tokens, userId, deviceId }),
      });
      try {
        await createAuthedCaller({ url, credentials })({
          path: 'account.signOut',
          kind: 'mutation',
          input: {},
          output: okSchema,
        });
      } catch (error) {
        if (!(error instanceof SyncError && SESSION_OVER.has(error.code))) throw error;
      }
    },

    connect({ url, email, signedIn, onTokens }) {
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
          changePassword: ({ currentPassword, newPassword }) =>
            changePassword({ url, credentials, email, currentPassword, newPassword }),
          signOut: async () => {
            await mutate('account.signOut', {});
          },
          deleteAccount: (password) => deleteAccount({ url, credentials, email, password }),
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
        setAside: () =>
          engine
            .quarantined()
            .map(({ changeId, reason, detail, quarantinedAt }) => ({
              changeId,
              reason,
              detail,
              at: quarantinedAt,
            }))
            .sort((a, b) => b.at - a.at),
        syncNow: () => engine.syncNow(),
        stop: () => engine.stop(),
      };
      return connection;
    },
  };
}
