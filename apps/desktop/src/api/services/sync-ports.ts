import type { SyncStatus } from '@codeface/sync/engine';

/**
 * What the sync service needs of the layer below (decision 0403): the account calls of the
 * sync protocol, and a running engine over this device's store. `adapters/sync-accounts.ts`
 * fits `@codeface/sync` to them; the service holds the state and the secrets.
 */

/** A device's tokens and ids, as the server issues them at sign-in. */
export type SyncSessionTokens = {
  userId: string;
  deviceId: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
};

export type SignedInDevice = { session: SyncSessionTokens; dataKey: Uint8Array };

/** One device of the account, as Settings → Sync lists it. */
export type SyncDevice = {
  id: string;
  name: string;
  createdAt: number;
  lastSeenAt: number;
  /** This device. */
  current: boolean;
};

/** Calls that need a signed-in device: they share its refreshing tokens with the engine. */
export interface SyncAccountSession {
  devices(): Promise<SyncDevice[]>;
  revokeDevice(deviceId: string): Promise<void>;
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<void>;
  signOut(): Promise<void>;
  deleteAccount(password: string): Promise<void>;
}

export type SignInRequest = { url: string; email: string; deviceName: string };

export interface SyncAccounts {
  /** The protocol version the server at `url` speaks; throws when it does not answer as one. */
  serverInfo(url: string): Promise<{ protocolVersion: number }>;
  /**
   * Creates the account and signs this device in; `recoveryKey` (groups of 4 joined by dashes)
   * is shown once.
   */
  signUp(
    request: SignInRequest & { password: string },
  ): Promise<SignedInDevice & { recoveryKey: string }>;
  signIn(request: SignInRequest & { password: string }): Promise<SignedInDevice>;
  /**
   * Signs in with the recovery key and sets `newPassword`; the other devices are signed out.
   * The used key is replaced: `recoveryKey` is the new one, shown once as at sign-up.
   */
  signInWithRecoveryKey(
    request: SignInRequest & { recoveryKey: string; newPassword: string },
  ): Promise<SignedInDevice & { recoveryKey: string }>;
  /**
   * Tells the server at `url` that the device of `session` signed out: a sign-out made while
   * offline, sent later. Resolves too where the server had already ended that device's session
   * (revoked, or its tokens spent); throws when the server cannot be reached. `onTokens` keeps
   * tokens refreshed on the way, so that a later try still holds a refresh token that works.
   */
  signOutDevice(request: {
    url: string;
    session: SyncSessionTokens;
    onTokens: (tokens: SyncSessionTokens) => void;
  }): Promise<void>;
  /**
   * Starts the engine for a signed-in device. `onTokens` keeps each refreshed set of tokens
   * before they are used (a refresh token works once).
   */
  connect(options: {
    url: string;
    email: string;
    signedIn: SignedInDevice;
    onTokens: (tokens: SyncSessionTokens) => void;
  }): SyncConnection;
}

/** A running engine and the account calls of the same device. */
export interface SyncConnection {
  readonly account: SyncAccountSession;
  status(): SyncStatus;
  onStatus(listener: (status: SyncStatus) => void): () => void;
  onRemoteChanges(listener: (change: RemoteChange) => void): () => void;
  /** The remote changes the engine set aside, newest first. */
  setAside(): SetAsideChange[];
  syncNow(): void;
  stop(): Promise<void>;
}

/** A remote change set aside (never applied): its id, for a person or a bug report, and why. */
export type SetAsideChange = { changeId: string; reason: string; detail: string; at: number };

/** What a page of remote changes touched, for the pages to refresh. */
export type RemoteChange = { chatIds: string[]; presets: boolean; settingKeys: string[] };
