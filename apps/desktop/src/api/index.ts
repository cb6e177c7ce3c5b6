export { appRouter } from './root';
export type { AppRouter } from './root';
export type { ApiContext } from './context';
export { createServices } from './services';
export type { Services, ServiceDeps } from './services';
export { AppError } from './errors';
export type { AppErrorReason } from './errors';
export type { HotkeyStatus, PathRequest, Platform, QuickAskContext } from './platform';
export { createFileSecretStore, SECRETS_FILE } from './secret-store';
export type { SecretStore, SecretSealer } from './secret-store';
export type * from './schemas';
export type { Settings, SettingsPatch, Preset } from './settings-schema';
export type * from './services/ports';
export type * from './services/model-ports';
export type { ModelInfo } from './services/model-service';
export type { LocalApiStatus } from './services/local-api-service';
export type { PrivacyStatus } from './services/privacy-service';
export type {
  RemoteModel,
  RemoteServer,
  RemoteServerModels,
} from './services/remote-server-service';
