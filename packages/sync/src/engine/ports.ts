import type { Store } from '@codeface/db';
import type { PullNowEvent, PullOutput, PushOutput, SealedChange } from '../protocol';
import type { PullInput } from '../protocol/schemas';
import type { SyncLimits } from '../protocol/meta';

/**
 * The engine's ports: the server (a transport), the credentials it signs in with, and the
 * store. Tests put an in-memory server behind `SyncTransport`; the app puts the HTTP and
 * WebSocket client there (`createHttpTransport`).
 */

/** What the engine needs of the local store: `@codeface/db`'s `Store` fits it. */
export type SyncStore = Pick<Store, 'deviceId' | 'changes' | 'sync'>;

export type SubscriptionHandlers = {
  /** The server has changes up to `highWaterMark`. */
  onPullNow(event: PullNowEvent): void;
  /** The stream ended (the connection lost, the session over): it will not deliver again. */
  onError(error: unknown): void;
};

export type Subscription = { close(): void };

export type SyncTransport = {
  /** The server's limits (`meta.info`). */
  limits(): Promise<SyncLimits>;
  push(changes: SealedChange[]): Promise<PushOutput>;
  pull(input: PullInput): Promise<PullOutput>;
  /** Opens the live "pull now" stream; the first event comes at once. */
  subscribe(handlers: SubscriptionHandlers): Subscription;
};

/**
 * The signed-in session, as far as sync needs it. The account code (sign-in, the keychain)
 * implements it; `createRefreshingSession` is the one for protocol v1 tokens.
 */
export type SyncCredentials = {
  /** An access token good for a while yet; refreshed first when it is about to expire. */
  accessToken(): Promise<string>;
  /** The server refused the current token as expired or unknown: get a new one. */
  renew(): Promise<void>;
};

/** Timers, passed in so that tests control time. */
export type Timers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};
