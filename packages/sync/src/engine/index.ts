export { SyncEngine } from './sync-engine';
export type { SyncEngineOptions, SyncPolicy } from './sync-engine';
export { initialStatus } from './status';
export type { SyncStatus, SyncState } from './status';
export { SyncError } from './sync-error';
export type { SyncFailure } from './sync-error';
export type {
  SyncTransport,
  SyncCredentials,
  SyncStore,
  Subscription,
  SubscriptionHandlers,
  Timers,
} from './ports';
export {
  createAuthedCaller,
  createHttpTransport,
  createPublicCaller,
  refreshTokens,
} from './http-transport';
export type { HttpTransportOptions, SyncServerCall } from './http-transport';
export { signUp, signIn, signInWithRecoveryKey, changePassword, deleteAccount } from './account';
export type { AccountServer, SignedIn } from './account';
export { createRefreshingSession } from './session';
export type { SessionTokens, RefreshingSessionOptions } from './session';
export { SYNCED_FIELDS, SYNCED_SETTINGS } from './scope';
export type { QuarantineReason } from './payload';
