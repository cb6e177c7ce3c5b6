import { initialStatus, type SyncStatus } from '@codeface/sync/engine';
import { z } from 'zod';
import { AppError } from '../errors';
import type { SecretStore } from '../secret-store';
import type { DocumentStore } from './ports';
import type {
  RemoteChange,
  SetAsideChange,
  SignedInDevice,
  SyncAccounts,
  SyncConnection,
  SyncDevice,
  SyncSessionTokens,
} from './sync-ports';

const SYNC_DOCUMENT = 'sync';
const SESSION_SECRET = 'sync:session';
const DATA_KEY_SECRET = 'sync:data-key';
/** Sign-outs the server has not heard of yet (made offline), with the tokens to send them. */
const PENDING_SIGN_OUTS_SECRET = 'sync:pending-sign-outs';
/** How often a sign-out made offline is tried again while CodeFace runs. */
const PENDING_SIGN_OUT_RETRY_MS = 60_000;

const serverUrlSchema = z
  .string()
  .trim()
  .min(1, 'Enter the address of your sync server, such as https://sync.example.com.')
  .max(2048, 'That address is too long.')
  .refine(
    (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol),
    'The address must start with http:// or https://, such as https://sync.example.com.',
  )
  .transform((url) => url.replace(/\/+$/, ''));

const emailSchema = z
  .string()
  .trim()
  .pipe(z.email('Enter the email address of your sync account.').max(254));

export const deviceNameSchema = z
  .string()
  .trim()
  .min(1, 'Give this device a name, such as “Work laptop”.')
  .max(100, 'A device name can be at most 100 characters.');

/** A new password: the server takes at least 10 characters. */
const newPasswordSchema = z
  .string()
  .min(10, 'Choose a password of at least 10 characters.')
  .max(1024, 'That password is too long.');
const passwordSchema = z
  .string()
  .min(1, 'Enter your password.')
  .max(1024, 'That password is too long.');

export const syncServerInput = z.object({ url: serverUrlSchema });
export const syncSignUpInput = z.object({
  url: serverUrlSchema,
  email: emailSchema,
  password: newPasswordSchema,
});
export const syncSignInInput = z.union([
  z.object({ url: serverUrlSchema, email: emailSchema, password: passwordSchema }),
  z.object({
    url: serverUrlSchema,
    email: emailSchema,
    // Typed in the groups it was shown in, in any case: the protocol's parser reads it.
    recoveryKey: z
      .string()
      .trim()
      .min(1, 'Enter your recovery key.')
      .max(200, 'That is longer than a recovery key.'),
    /** Signing in with the recovery key sets a new password in the same step. */
    newPassword: newPasswordSchema,
  }),
]);
export const syncChangePasswordInput = z.object({
  currentPassword: passwordSchema,
  newPassword: newPasswordSchema,
});
export const syncDeleteAccountInput = z.object({ password: passwordSchema });

const storedSyncSchema = z.object({
  serverUrl: z.string().nullable(),
  deviceName: z.string().nullable(),
  email: z.string().nullable(),
  /** Present while this device is signed in. */
  account: z.object({ userId: z.string(), deviceId: z.string() }).nullable(),
});
type StoredSync = z.infer<typeof storedSyncSchema>;

const sessionSecretSchema = z.object({
  userId: z.string(),
  deviceId: z.string(),
  accessToken: z.string(),
  accessTokenExpiresAt: z.number(),
  refreshToken: z.string(),
});

const pendingSignOutsSchema = z.array(z.object({ url: z.string(), session: sessionSecretSchema }));
type PendingSignOut = z.infer<typeof pendingSignOutsSchema>[number];

/** Everything Settings → Sync and the sidebar show. */
export type SyncView = {
  serverUrl: string | null;
  /** The name this device signs in with (and has in the device list). */
  deviceName: string;
  /** The account's email, kept after signing out so that signing in again is one field. */
  email: string | null;
  signedIn: boolean;
  status: SyncStatus;
  /** A recovery key was made and the person has not yet said they saved it. */
  recoveryKeyPending: boolean;
  /** Where this device keeps its sync secrets. */
  secrets: SecretStore['protection'];
  /** The newest remote changes set aside (`status.quarantined` counts them all). */
  setAside: SetAsideChange[];
  /** Servers (host names) still to be told of a sign-out made here while offline. */
  signOutsWaiting: string[];
};

/** Enough set-aside changes to report; the count says how many there are. */
const SET_ASIDE_SHOWN = 20;

export type SyncDeps = {
  documents: DocumentStore;
  secrets: SecretStore;
  accounts: SyncAccounts;
  /** This device's name until the person gives it one ("CodeFace on <host name>"). */
  defaultDeviceName: string;
};

/**
 * Settings → Sync: the account this device syncs with, and the engine that keeps the store in
 * step with it. The server address, email and device name are a document of this device; the
 * tokens and the data key are in the platform's secret store and nowhere else. With sync off
 * nothing here opens a connection.
 */
export class SyncService {
  private connection: SyncConnection | null = null;
  private stopStatus: (() => void) | null = null;
  /** Shown after the engine stopped itself (revoked, say) until the person signs in again. */
  private endedStatus: SyncStatus | null = null;
  private pendingRecoveryKey: string | null = null;
  private readonly viewListeners = new Set<(view: SyncView) => void>();
  private readonly changeListeners = new Set<(change: RemoteChange) => void>();
  /** Account calls run one after another, so two clicks never sign in two devices. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The run that sends the sign-outs made offline, while one is under way. */
  private sendingSignOuts: Promise<void> | null = null;
  private signOutRetry: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(private readonly deps: SyncDeps) {}

  view(): SyncView {
    const stored = this.stored();
    const status = this.connection?.status() ?? this.endedStatus ?? initialStatus();
    return {
      serverUrl: stored.serverUrl,
      deviceName: stored.deviceName ?? this.deps.defaultDeviceName,
      email: stored.email,
      signedIn: stored.account !== null,
      status,
      recoveryKeyPending: this.pendingRecoveryKey !== null,
      secrets: this.deps.secrets.protection,
      setAside:
        status.quarantined > 0 && this.connection
          ? this.connection.setAside().slice(0, SET_ASIDE_SHOWN)
          : [],
      signOutsWaiting: this.pendingSignOuts().map((pending) => new URL(pending.url).host),
    };
  }

  onView(listener: (view: SyncView) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  /** Remote changes merged into the store, for the pages to show them without a reload. */
  onRemoteChanges(listener: (change: RemoteChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * At start-up: a device that was signed in syncs again, and sign-outs made offline are sent.
   */
  resume(): void {
    void this.sendPendingSignOuts();
    const stored = this.stored();
    const signedIn = this.signedInFromSecrets(stored);
    if (stored.serverUrl === null || stored.email === null || signedIn === null) return;
    this.start(stored.serverUrl, stored.email, signedIn);
  }

  /** Asks the server its protocol version; fails with a sentence when it is not a sync server. */
  async testConnection(input: z.infer<typeof syncServerInput>) {
    const info = await this.deps.accounts.serverInfo(input.url);
    void this.sendPendingSignOuts();
    return { url: input.url, protocolVersion: info.protocolVersion };
  }

  setDeviceName(name: string): SyncView {
    this.write({ ...this.stored(), deviceName: name });
    return this.view();
  }

  signUp(input: z.infer<typeof syncSignUpInput>): Promise<SyncView> {
    return this.serialize(async () => {
      this.requireSignedOut();
      const created = await this.deps.accounts.signUp({
        ...input,
        deviceName: this.view().deviceName,
      });
      this.pendingRecoveryKey = created.recoveryKey;
      this.signedIn(input.url, input.email, created);
      return this.view();
    });
  }

  signIn(input: z.infer<typeof syncSignInInput>): Promise<SyncView> {
    return this.serialize(async () => {
      this.requireSignedOut();
      const request = { url: input.url, email: input.email, deviceName: this.view().deviceName };
      if ('password' in input) {
        const signedIn = await this.deps.accounts.signIn({ ...request, password: input.password });
        this.signedIn(input.url, input.email, signedIn);
        return this.view();
      }
      const restored = await this.deps.accounts.signInWithRecoveryKey({
        ...request,
        recoveryKey: input.recoveryKey,
        newPassword: input.newPassword,
      });
      // The used key no longer works: its replacement is shown once, as at sign-up.
      this.pendingRecoveryKey = restored.recoveryKey;
      this.signedIn(input.url, input.email, restored);
      return this.view();
    });
  }

  /**
   * The recovery key made at sign-up or after a recovery sign-in, in groups, until the person
   * says they saved it.
   */
  recoveryKey(): { groups: string[] } | null {
    const key = this.pendingRecoveryKey;
    return key === null ? null : { groups: key.split('-') };
  }

  confirmRecoveryKeySaved(): SyncView {
    this.pendingRecoveryKey = null;
    this.emitView();
    return this.view();
  }

  devices(): Promise<SyncDevice[]> {
    return this.session().devices();
  }

  async revokeDevice(deviceId: string): Promise<SyncDevice[]> {
    const session = this.session();
    const devices = await session.devices();
    if (devices.find((device) => device.id === deviceId)?.current === true) {
      throw new AppError('invalid-input', 'That is this device: use Sign out to stop syncing it.');
    }
    await session.revokeDevice(deviceId);
    return session.devices();
  }

  /** Changes the password; the other devices are signed out and sign in with the new one. */
  changePassword(input: z.infer<typeof syncChangePasswordInput>): Promise<void> {
    return this.serialize(() => this.session().changePassword(input));
  }

  /**
   * Signs this device out: the server forgets it, and its secrets are deleted here. Offline, the
   * sign-out is kept (with the session's tokens, in the secret store) and sent when the server
   * can next be reached, so the device does not stay in the account's list.
   */
  signOut(): Promise<SyncView> {
    return this.serialize(async () => {
      const connection = this.requireConnection();
      try {
        await connection.account.signOut();
      } catch (error) {
        const url = this.stored().serverUrl;
        const session = this.signedInFromSecrets(this.stored())?.session;
        if (url !== null && session !== undefined) this.keepPendingSignOut({ url, session });
        await this.forget(null);
        throw new AppError(
          'sync-error',
          'Signed out on this device. The sync server could not be reached, so CodeFace tells it the next time it can; until then this device is still listed in your account.',
          { cause: error instanceof Error ? error.name : 'unknown' },
        );
      }
      await this.forget(null);
      return this.view();
    });
  }

  /** Deletes the account and everything on the server; the chats on this device stay. */
  deleteAccount(input: z.infer<typeof syncDeleteAccountInput>): Promise<SyncView> {
    return this.serialize(async () => {
      await this.session().deleteAccount(input.password);
      await this.forget(null);
      this.write({ ...this.stored(), email: null });
      return this.view();
    });
  }

  syncNow(): void {
    this.connection?.syncNow();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.signOutRetry !== null) clearInterval(this.signOutRetry);
    this.signOutRetry = null;
    this.stopStatus?.();
    await this.connection?.stop();
    this.connection = null;
  }

  private signedIn(url: string, email: string, device: SignedInDevice): void {
    this.deps.secrets.set(SESSION_SECRET, JSON.stringify(device.session));
    this.deps.secrets.set(DATA_KEY_SECRET, Buffer.from(device.dataKey).toString('base64url'));
    this.write({
      ...this.stored(),
      serverUrl: url,
      email,
      account: { userId: device.session.userId, deviceId: device.session.deviceId },
    });
    this.endedStatus = null;
    this.start(url, email, device);
    // The server answered: a sign-out made offline can be sent now.
    void this.sendPendingSignOuts();
  }

  /**
   * Sends each sign-out made offline; one the server heard (or whose session it had already
   * ended) is done, one it could not be told is kept and tried again every minute.
   */
  private sendPendingSignOuts(): Promise<void> {
    this.sendingSignOuts ??= (async () => {
      for (const pending of this.pendingSignOuts()) {
        try {
          await this.deps.accounts.signOutDevice({
            url: pending.url,
            session: pending.session,
            onTokens: (session) => this.replacePendingSignOut(pending.session.deviceId, session),
          });
          this.replacePendingSignOut(pending.session.deviceId, null);
        } catch {
          // Still unreachable (or refusing for now): kept for the next try.
        }
      }
    })().finally(() => {
      this.sendingSignOuts = null;
      this.scheduleSignOutRetry();
    });
    return this.sendingSignOuts;
  }

  private keepPendingSignOut(pending: PendingSignOut): void {
    const others = this.pendingSignOuts().filter(
      (each) => each.session.deviceId !== pending.session.deviceId,
    );
    this.deps.secrets.set(PENDING_SIGN_OUTS_SECRET, JSON.stringify([...others, pending]));
    this.scheduleSignOutRetry();
    this.emitView();
  }

  /** Replaces the tokens of one pending sign-out (refreshed on the way), or removes it (null). */
  private replacePendingSignOut(deviceId: string, session: SyncSessionTokens | null): void {
    const next = this.pendingSignOuts().flatMap((each) =>
      each.session.deviceId !== deviceId ? [each] : session === null ? [] : [{ ...each, session }],
    );
    if (next.length === 0) this.deps.secrets.delete(PENDING_SIGN_OUTS_SECRET);
    else this.deps.secrets.set(PENDING_SIGN_OUTS_SECRET, JSON.stringify(next));
    if (session === null) this.emitView();
  }

  private pendingSignOuts(): PendingSignOut[] {
    const parsed = pendingSignOutsSchema.safeParse(
      safeJson(this.deps.secrets.get(PENDING_SIGN_OUTS_SECRET) ?? ''),
    );
    return parsed.success ? parsed.data : [];
  }

  /** A timer runs only while a sign-out waits to be sent. */
  private scheduleSignOutRetry(): void {
    const waiting = !this.closed && this.pendingSignOuts().length > 0;
    if (waiting && this.signOutRetry === null) {
      this.signOutRetry = setInterval(
        () => void this.sendPendingSignOuts(),
        PENDING_SIGN_OUT_RETRY_MS,
      );
      // A sign-out waiting to be sent never keeps the process alive.
      this.signOutRetry.unref?.();
    } else if (!waiting && this.signOutRetry !== null) {
      clearInterval(this.signOutRetry);
      this.signOutRetry = null;
    }
  }

  private start(url: string, email: string, signedIn: SignedInDevice): void {
    const connection = this.deps.accounts.connect({
      url,
      email,
      signedIn,
      onTokens: (tokens) => this.deps.secrets.set(SESSION_SECRET, JSON.stringify(tokens)),
    });
    this.connection = connection;
    const stopStatus = connection.onStatus((status) => {
      // Revoked, or the session ended elsewhere: this device is signed out for good.
      if (status.state === 'signed-out') void this.forget(status);
      this.emitView();
    });
    const stopChanges = connection.onRemoteChanges((change) => {
      for (const listener of this.changeListeners) listener(change);
    });
    this.stopStatus = () => {
      stopStatus();
      stopChanges();
    };
    this.emitView();
  }

  /** Stops the engine and deletes the secrets; `ended` is the status to keep showing. */
  private async forget(ended: SyncStatus | null): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.stopStatus?.();
    this.stopStatus = null;
    this.pendingRecoveryKey = null;
    this.endedStatus = ended === null ? null : { ...ended, state: 'signed-out', retryAt: null };
    this.deps.secrets.delete(SESSION_SECRET);
    this.deps.secrets.delete(DATA_KEY_SECRET);
    this.write({ ...this.stored(), account: null });
    this.emitView();
    await connection?.stop();
  }

  private session() {
    return this.requireConnection().account;
  }

  private requireConnection(): SyncConnection {
    if (this.connection === null) {
      throw new AppError('sync-error', 'This device is not signed in to sync. Sign in first.');
    }
    return this.connection;
  }

  private requireSignedOut(): void {
    if (this.connection !== null) {
      throw new AppError(
        'sync-error',
        'This device is already signed in to sync. Sign out first to use another account.',
      );
    }
  }

  private signedInFromSecrets(stored: StoredSync): SignedInDevice | null {
    if (stored.account === null) return null;
    const session = sessionSecretSchema.safeParse(
      safeJson(this.deps.secrets.get(SESSION_SECRET) ?? ''),
    );
    const dataKey = this.deps.secrets.get(DATA_KEY_SECRET);
    if (!session.success || dataKey === null) return null;
    const tokens: SyncSessionTokens = session.data;
    return { session: tokens, dataKey: new Uint8Array(Buffer.from(dataKey, 'base64url')) };
  }

  private emitView(): void {
    const view = this.view();
    for (const listener of this.viewListeners) listener(view);
  }

  private stored(): StoredSync {
    const parsed = storedSyncSchema.safeParse(this.deps.documents.read(SYNC_DOCUMENT));
    return parsed.success
      ? parsed.data
      : { serverUrl: null, deviceName: null, email: null, account: null };
  }

  private write(value: StoredSync): void {
    this.deps.documents.write(SYNC_DOCUMENT, value);
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
