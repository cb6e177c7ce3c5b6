export { openStore } from './store';
export type { OpenStoreOptions, OpenReport, Store } from './store';
export type { ChatRepository, ChatEdit } from './chats';
export type { CodeUndoRepository } from './code-undos';
export { chatEditSchema } from './chats';
export type { MessageRepository } from './messages';
export type { ModelRepository } from './models';
export type { PresetRepository } from './presets';
export type { SyncRepository, MergeReport } from './sync-state';
export { remoteChangeSchema } from './sync-schemas';
export type { RemoteChange, QuarantinedChange, SyncedEntity } from './sync-schemas';
export type { SettingsRepository } from './settings';
export type { ChangeLogReader, ChangePage } from './changes';
export type { Search } from './search';
export { toMatchExpression } from './search';
export { StreamingWriter } from './streaming';
export type { StreamingWriterOptions, Timers } from './streaming';
export { StoreError } from './errors';
export { wellFormed } from './well-formed';
export type { StoreErrorCode } from './errors';
export {
  ClockError,
  HybridLogicalClock,
  HLC_DEFAULT_MAX_DRIFT_MS,
  formatHlc,
  parseHlc,
} from './hlc';
export type { ClockErrorCode, HlcOptions, HlcTimestamp } from './hlc';
export { SCHEMA_VERSION } from './migrations';
export { databaseFileState, encryptDatabaseFile, listSnapshots } from './open-database';
export * from './schemas';
export { settingsSchema, settingKeys } from './settings-schema';
export type { SettingKey, Settings } from './settings-schema';
export type {
  EmbeddingRepository,
  NearestOptions,
  Neighbour,
  PutEmbeddingInput,
} from './embeddings';
export type { HybridHit, HybridSearchOptions } from './hybrid-search';
