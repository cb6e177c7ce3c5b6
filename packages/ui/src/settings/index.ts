// A separate entry point so the renderer can load the settings screen as its own chunk.
export { SettingsScreen, type SettingsActions } from './SettingsScreen';
export type { SyncActions } from '../sync/SyncSettings';
export { recordKeyPress, hotkeyLabel } from './hotkey';
