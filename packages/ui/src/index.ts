export type {
  BranchMessage,
  CatalogModel,
  ChatStatesUse,
  ChatSummary,
  DownloadProgress,
  EngineInfo,
  GenerationParams,
  HotkeyStatus,
  IndexStatus,
  LocalApiStatus,
  LocalModel,
  ModelFolder,
  Preset,
  PresetEdit,
  PrivacyStatus,
  RemoteServerDraft,
  RemoteServerModels,
  SearchHit,
  SyncDevice,
  SyncView,
  ThemePreference,
} from './types';
export { ChatView } from './chat/ChatView';
export type { MessageActions } from './chat/MessageView';
export { createLiveAnswer, type LiveAnswer } from './chat/liveAnswer';
export {
  MarkdownHostContext,
  type MarkdownHost,
  type CodeToFileRequest,
} from './markdown/MarkdownContext';
export { Sidebar, type Screen } from './sidebar/Sidebar';
export type { ChatItemActions } from './sidebar/ChatListItem';
export { SyncIndicator } from './sync/SyncIndicator';
export { SearchResults } from './search/SearchResults';
export { CommandPalette, type PaletteCommand } from './search/CommandPalette';
export { ErrorBoundary } from './feedback/ErrorBoundary';
export { Toasts, type Toast } from './feedback/Toasts';
export {
  createFrameBatcher,
  animationFrames,
  type FrameBatcher,
  type FrameScheduler,
} from './feedback/frameBatcher';
export { Resizer } from './layout/Resizer';
export { FirstRun, NoChat } from './layout/FirstRun';
export { UnlockScreen } from './layout/UnlockScreen';
export { shortcutFor, isMacPlatform } from './shortcuts/shortcuts';
export { ShortcutsSheet } from './shortcuts/ShortcutsSheet';
export { themeStylesheet, resolveTheme, applyTheme } from './theme/theme';
export { useTheme } from './theme/useTheme';
