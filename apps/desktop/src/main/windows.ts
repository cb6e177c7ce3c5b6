import { BrowserWindow } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN } from './app-protocol';

/** The same locked-down web preferences for every window of the app. */
export function secureWebPreferences(
  preload: string,
): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    spellcheck: true,
  };
}

export function createMainWindow(options: { preload: string; chatId?: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 360,
    minHeight: 480,
    show: false,
    webPreferences: secureWebPreferences(options.preload),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(mainWindowUrl(options.chatId));
  return window;
}

export function mainWindowUrl(chatId?: string): string {
  return chatId
    ? `${APP_ORIGIN}/index.html?chat=${encodeURIComponent(chatId)}`
    : `${APP_ORIGIN}/index.html`;
}

/**
 * The quick-ask popup: frameless and on top, created hidden at start so the hotkey shows it at
 * once. Closing (Esc) only hides it; "continue in chat" opens that chat in the main window.
 */
export function createQuickAskWindow(options: {
  preload: string;
  isQuitting: () => boolean;
  continueInChat: (chatId: string) => void;
}): BrowserWindow {
  const window = new BrowserWindow({
    width: 680,
    height: 440,
    show: false,
    frame: false,
    resizable: true,
    alwaysOnTop: true,
    skipTaskbar: true,
    fullscreenable: false,
    webPreferences: secureWebPreferences(options.preload),
  });
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
