import { BrowserWindow, screen } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { DocumentStore } from '../api';
import { APP_ORIGIN } from './security';
import { quickAskBounds, restoreWindowState } from './window-state';
import type { DisplayArea, WindowState } from './window-state';

/** The document of the data folder that remembers the main window's place. */
const WINDOW_STATE_DOCUMENT = 'window-state';
const MAIN_WINDOW_SIZE = { width: 1200, height: 800 };
const QUICK_ASK_SIZE = { width: 680, height: 460 };

/**
 * Every window of the app, with the same locked-down web preferences written out here (not
 * spread from a helper) so that a reader, and electronegativity, sees each one.
 */
function newAppWindow(options: BrowserWindowConstructorOptions, preload: string): BrowserWindow {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click would otherwise open a link in a new window of the app.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
    },
  });
}

const displayAreas = (): DisplayArea[] =>
  screen.getAllDisplays().map((display) => ({ id: display.id, workArea: display.workArea }));

export function mainWindowUrl(chatId?: string): string {
  return chatId
    ? `${APP_ORIGIN}/index.html?chat=${encodeURIComponent(chatId)}`
    : `${APP_ORIGIN}/index.html`;
}

/**
 * The chat window, where it was last time (size, position, display, maximized), or centred on
 * a display that still exists. Its place is saved when it moves, resizes or closes.
 */
export function createMainWindow(options: {
  preload: string;
  chatId?: string;
  documents: DocumentStore;
}): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const restored = restoreWindowState({
    saved: options.documents.read(WINDOW_STATE_DOCUMENT),
    displays: displayAreas(),
    primary: { id: primary.id, workArea: primary.workArea },
    defaultSize: MAIN_WINDOW_SIZE,
  });
  const window = newAppWindow(
    { ...restored.bounds, minWidth: 360, minHeight: 480, show: false, title: 'CodeFace' },
    options.preload,
  );
  if (restored.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    const bounds = window.getNormalBounds();
    const state: WindowState = {
      bounds,
      displayId: screen.getDisplayMatching(bounds).id,
      maximized: window.isMaximized(),
    };
    options.documents.write(WINDOW_STATE_DOCUMENT, state);
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) {
    window.on(event as 'resize', saveSoon);
  }
  window.on('close', () => {
    clearTimeout(timer);
    save();
  });
  void window.loadURL(mainWindowUrl(options.chatId));
  return window;
}

/**
 * The quick-ask popup: frameless and on top, created hidden at start so the hotkey shows it at
 * once. Closing (Esc) and losing focus only hide it; an answer keeps streaming while hidden.
 * "Continue in chat" (a navigation to the chat page) opens that chat in the main window.
 */
export function createQuickAskWindow(options: {
  preload: string;
  isQuitting: () => boolean;
  continueInChat: (chatId: string) => void;
}): BrowserWindow {
  const window = newAppWindow(
    {
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
    },
    options.preload,
  );
  void window.loadURL(`${APP_ORIGIN}/quick-ask.html`);
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  window.on('blur', () => window.hide());
  window.webContents.on('will-navigate', (event, url) => {
    const target = new URL(url);
    const chatId = target.searchParams.get('chat');
    if (target.pathname === '/index.html' && chatId) {
      event.preventDefault();
      window.hide();
      options.continueInChat(chatId);
    }
  });
  return window;
}

/**
 * Shows the popup on the display under the pointer, above full-screen apps and on every
 * workspace, and gives it the keyboard; hides it when it is already showing.
 */
export function toggleQuickAsk(window: BrowserWindow): void {
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
