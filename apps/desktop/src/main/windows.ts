import { BrowserWindow, screen } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { DocumentStore } from '../api';
import { APP_ORIGIN } from './security';
import { keepQuickAskAlive, QUICK_ASK_WINDOW_OPTIONS } from './quick-ask-window';
import { restoreWindowState } from './window-state';
import type { DisplayArea, WindowState } from './window-state';

/** The document of the data folder that remembers the main window's place. */
const WINDOW_STATE_DOCUMENT = 'window-state';
const MAIN_WINDOW_SIZE = { width: 1200, height: 800 };

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

/** The quick-ask popup, created hidden at start (see quick-ask-window.ts). */
export function createQuickAskWindow(options: {
  preload: string;
  isQuitting: () => boolean;
  continueInChat: (chatId: string) => void;
  dialogOpen: () => boolean;
}): BrowserWindow {
  const window = newAppWindow(QUICK_ASK_WINDOW_OPTIONS, options.preload);
  void window.loadURL(`${APP_ORIGIN}/quick-ask.html`);
  keepQuickAskAlive(window, options);
  return window;
}
