// A separate entry point so the renderer can load the settings screen as its own chunk.
export { SettingsScreen } from './SettingsScreen';
export { recordKeyPress } from './hotkey';
export type { PrivacyActions } from './PrivacySettings';
export type { SyncActions } from '../sync/SyncSettings';
