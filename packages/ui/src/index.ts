export type * from './types';
export { ChatView } from './chat/ChatView';
export { MessageList } from './chat/MessageList';
export { MessageView, type MessageActions } from './chat/MessageView';
export { statsOf, formatStats } from './chat/StatsLine';
export { BranchSwitcher } from './chat/BranchSwitcher';
export {
  createLiveAnswer,
  useLiveText,
  type LiveAnswer,
  type LiveAnswerSnapshot,
  type LiveAnswerWriter,
} from './chat/liveAnswer';
export { Composer, MAX_MESSAGE_CHARS } from './chat/Composer';
export { ContextMeter } from './chat/ContextMeter';
export { StreamingMarkdown } from './markdown/StreamingMarkdown';
export {
  MarkdownHostContext,
  type MarkdownHost,
  type CodeToFileRequest,
} from './markdown/MarkdownContext';
export { advanceBlocks, splitBlocks, EMPTY_SPLIT, type BlockSplit } from './markdown/blocks';
export { Sidebar, type Screen } from './sidebar/Sidebar';
export type { ChatItemActions } from './sidebar/ChatListItem';
export { SyncIndicator } from './sync/SyncIndicator';
export { SearchResults, IndexingIndicator } from './search/SearchResults';
export { CommandPalette, type PaletteCommand } from './search/CommandPalette';
export { Snippet } from './search/Snippet';
export { ErrorBoundary } from './feedback/ErrorBoundary';
export { Toasts, type Toast } from './feedback/Toasts';
export {
  createFrameBatcher,
  animationFrames,
  type FrameBatcher,
  type FrameScheduler,
} from './feedback/frameBatcher';
export { Dialog } from './layout/Dialog';
export { Resizer } from './layout/Resizer';
export { FirstRun, NoChat } from './layout/FirstRun';
export {
  SHORTCUTS,
  shortcutFor,
  displayKeys,
  isMacPlatform,
  type ShortcutAction,
} from './shortcuts/shortcuts';
export { ShortcutsSheet } from './shortcuts/ShortcutsSheet';
export { themeStylesheet, resolveTheme, applyTheme } from './theme/theme';
export { useTheme } from './theme/useTheme';
export { palettes, type ThemeName, type Palette } from './theme/tokens';
export { contrastRatio } from './theme/contrast';
