export { SyncEngine } from './sync-engine';
export { initialStatus } from './status';
export type { SyncStatus } from './status';
export { SyncError } from './sync-error';
export type { SyncFailure } from './sync-error';
export {
  createAuthedCaller,
  createHttpTransport,
  createPublicCaller,
  refreshTokens,
} from './http-transport';
export { signUp, signIn, signInWithRecoveryKey, changePassword, deleteAccount } from './account';
export type { SignedIn } from './account';
export { createRefreshingSession } from './session';
