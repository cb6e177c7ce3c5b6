export { appRouter } from './root';
export type { AppRouter } from './root';
export type { HotkeyStatus, Platform } from './platform';
export { createFileSecretStore, SECRETS_FILE } from './secret-store';
export type * from './schemas';
export type { Settings } from './settings-schema';
export type * from './services/ports';
export type { RemoteChange } from './services/sync-ports';
