import type { BrowserWindow, BrowserWindowConstructorOptions, Screen } from 'electron';
import { quickAskBounds } from './window-state';

const QUICK_ASK_SIZE = { width: 680, height: 460 };

/**
 * The popup's window: frameless, on top and out of the taskbar, and created hidden at start so
 * that the hotkey only has to show it.
 */
export const QUICK_ASK_WINDOW_OPTIONS = {
  ...QUICK_ASK_SIZE,
  show: false,
  frame: false,
  resizable: true,
  alwaysOnTop: true,
  skipTaskbar: true,
  fullscreenable: false,
  minimizable: false,
  maximizable: false,
  title: 'CodeFace quick ask',
} satisfies BrowserWindowConstructorOptions;

/** What the popup's code uses of a window: the Electron window, or a test's stand-in. */
export type QuickAskWindow = Pick<
  BrowserWindow,
  | 'on'
  | 'isVisible'
  | 'isFocused'
  | 'hide'
  | 'show'
  | 'setBounds'
  | 'setAlwaysOnTop'
  | 'setVisibleOnAllWorkspaces'
  | 'moveTop'
  | 'focus'
> & { webContents: Pick<BrowserWindow['webContents'], 'on' | 'focus'> };

/**
 * Closing (Esc) and losing focus only hide the popup, so an answer keeps streaming while it is
 * hidden. "Continue in chat" (a navigation to the chat page) opens that chat in the main window.
 */
export function keepQuickAskAlive(
  window: QuickAskWindow,
  options: {
    isQuitting: () => boolean;
    continueInChat: (chatId: string) => void;
    /** A native dialog is open (Save as…, Apply to file…): it takes the focus, not the popup away. */
    dialogOpen: () => boolean;
  },
): void {
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  window.on('blur', () => {
    if (!options.dialogOpen()) window.hide();
  });
  window.webContents.on('will-navigate', (event, url) => {
    const target = new URL(url);
    const chatId = target.searchParams.get('chat');
    if (target.pathname === '/index.html' && chatId) {
      event.preventDefault();
      window.hide();
      options.continueInChat(chatId);
    }
  });
}

/**
 * Shows the popup on the display under the pointer, above full-screen apps and on every
 * workspace, and gives it the keyboard; hides it when it is already showing.
 */
export function toggleQuickAsk(
  window: QuickAskWindow,
  screen: Pick<Screen, 'getCursorScreenPoint' | 'getDisplayNearestPoint'>,
): void {
  if (window.isVisible() && window.isFocused()) {
    window.hide();
    return;
  }
  const display = screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
  window.setBounds(
    quickAskBounds({
      display: { id: display.id, workArea: display.workArea },
      size: QUICK_ASK_SIZE,
    }),
  );
  // 'screen-saver' is the level above full-screen windows on macOS; elsewhere it is on top.
  window.setAlwaysOnTop(true, 'screen-saver');
  window.setVisibleOnAllWorkspaces(true, {
    visibleOnFullScreen: true,
    skipTransformProcessType: true,
  });
  window.show();
  window.moveTop();
  window.focus();
  window.webContents.focus();
}
