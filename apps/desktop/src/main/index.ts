import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  protocol,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import type { BrowserWindow } from 'electron';
import electronUpdater from 'electron-updater';
import { LlamaCppEngine } from '@codeface/inference';
import { openAppGate } from '../api/app-gate';
import { gateContext } from '../api/context';
import { chatStatesFolder } from '../api/compose';
import { createJsonDocuments } from '../api/adapters/json-documents';
import { createIpcServer } from '../api/ipc/ipc-server';
import { resolveElectronNativeBinding } from '../electron-natives';
import {
  defaultDataDir,
  discoveryRootsFrom,
  embeddingModelFrom,
  isWaylandSession,
  readEnv,
} from '../env';
import { serveApiOverIpc } from './api-ipc';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { startCrashReports } from './crash-reports';
import { createElectronPlatform } from './electron-platform';
import { createHotkeyController, QUICK_ASK_EVENT, QUICK_ASK_FLAG } from './hotkey';
import { allowOnlyClipboard, lockDownWebContents } from './security';
import { trayMenuTemplate, trayTooltip } from './tray';
import { startUpdates } from './updates';
import { spawnUtilityModelProcess } from './utility-process-spawn';
import { toggleQuickAsk } from './quick-ask-window';
import { createMainWindow, createQuickAskWindow, mainWindowUrl } from './windows';

const here = fileURLToPath(new URL('.', import.meta.url));
const RENDERER_DIR = join(here, '../renderer');
const PRELOAD = join(here, '../preload/index.cjs');
/** apps/desktop in development (the bundle is in out/main). */
const APP_ROOT = join(here, '../..');
/** Bundled next to this file by electron.vite.config.ts. */
const MODEL_PROCESS = join(here, 'model-process.js');
/** Icons: shipped as resources by packaging, read from the app's `build/` folder otherwise. */
const resourcePath = (name: string) =>
  app.isPackaged ? join(process.resourcesPath, name) : join(APP_ROOT, 'build', name);

const env = readEnv();
const wayland = isWaylandSession(env);
// Under Wayland, Electron registers global shortcuts through the desktop's portal only when
// this feature is on; elsewhere it changes nothing.
if (wayland) app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');
registerAppScheme(protocol);

app.on('web-contents-created', (_event, contents) => {
  lockDownWebContents(contents, (url) => void shell.openExternal(url));
});

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = defaultDataDir(env);
  let mainWindow: BrowserWindow | null = null;
  let quickAskWindow: BrowserWindow | null = null;
  let quitting = false;
  // Native dialogs open now (Save as…, Apply to file…, a model file).
  let dialogsOpen = 0;
  const showQuickAsk = () => {
    if (quickAskWindow) toggleQuickAsk(quickAskWindow, screen);
  };
  const hotkey = createHotkeyController({
    globalShortcut,
    onPress: showQuickAsk,
    platform: process.platform,
    wayland,
  });
  // Encrypted data whose key the keychain no longer has waits behind the unlock screen: the
  // window opens on it, and the rest starts once the data is open.
  const gate = await openAppGate({
    dataDir,
    // The one way the main process loads the database driver: the build for Electron's ABI.
    nativeBinding: resolveElectronNativeBinding({
      packaged: app.isPackaged,
      resourcesPath: process.resourcesPath,
      appRoot: APP_ROOT,
      electronVersion: process.versions.electron,
      abi: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
    }),
    platform: createElectronPlatform({
      dataDir,
      // Modal to the window the person asked from: the quick ask's own Save as… stays over it.
      parentWindow: () => (quickAskWindow?.isFocused() ? quickAskWindow : mainWindow),
      onDialog: (open) => {
        dialogsOpen += open ? 1 : -1;
      },
      hotkey,
    }),
    engine: new LlamaCppEngine({
      gpu: env.CODEFACE_GPU === 'false' ? false : 'auto',
      spawn: spawnUtilityModelProcess,
      modulePath: MODEL_PROCESS,
      savedStates: chatStatesFolder(dataDir),
    }),
    threads: env.CODEFACE_THREADS,
    discoveryRoots: discoveryRootsFrom(env),
    huggingFaceEndpoint: env.HF_ENDPOINT,
    embeddingModel: embeddingModelFrom(env),
  });
  serveRenderer(protocol, RENDERER_DIR);
  serveApiOverIpc({
    ipcMain,
    server: createIpcServer({ createContext: (connection) => gateContext(gate, connection) }),
  });
  allowOnlyClipboard(session.defaultSession);

  const documents = createJsonDocuments(join(dataDir, 'documents'));
  const openMainWindow = (chatId?: string) => {
    if (mainWindow === null) {
      mainWindow = createMainWindow({ preload: PRELOAD, chatId, documents });
      mainWindow.on('closed', () => {
        mainWindow = null;
        // The hidden quick-ask window and the tray keep the app alive otherwise; on macOS
        // apps stay open without windows.
        if (process.platform !== 'darwin') app.quit();
      });
      return;
    }
    if (chatId) void mainWindow.loadURL(mainWindowUrl(chatId));
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };
  // `codeface --quick-ask` is what a desktop's own shortcut runs where no global hotkey can be
  // registered (Wayland without the GlobalShortcuts portal): it opens only the quick ask, and a
  // second run of it reaches this one through 'second-instance' below.
  const quickAskOnly = process.argv.includes(QUICK_ASK_FLAG);
  if (!quickAskOnly || gate.status().locked) openMainWindow();
  const runtime = await gate.opened;
  const settings = runtime.services.settings.get();
  await startCrashReports(settings).catch((error: unknown) => {
    console.error('Crash reports could not start:', error);
  });
  quickAskWindow = createQuickAskWindow({
    preload: PRELOAD,
    isQuitting: () => quitting,
    continueInChat: openMainWindow,
    dialogOpen: () => dialogsOpen > 0,
  });
  if (quickAskOnly) showQuickAsk();

  hotkey.apply(settings.quickAskHotkey);
  const tray = new Tray(nativeImage.createFromPath(resourcePath('icons/tray.png')));
  const refreshTray = () => {
    const status = hotkey.status();
    tray.setToolTip(trayTooltip(status, process.platform));
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate({
          hotkey: status,
          platform: process.platform,
          open: () => openMainWindow(),
          quickAsk: showQuickAsk,
          quit: () => app.quit(),
        }),
      ),
    );
  };
  refreshTray();
  // The hotkey changes through Settings; the menu follows whenever it is opened next.
  tray.on('click', refreshTray);
  tray.on('right-click', refreshTray);
  (app as NodeJS.EventEmitter).on(QUICK_ASK_EVENT, showQuickAsk);

  app.on('second-instance', (_event, argv) => {
    if (argv.includes(QUICK_ASK_FLAG)) showQuickAsk();
    else openMainWindow();
  });
  app.on('activate', () => openMainWindow());

  // Quitting waits for the store: answers being written are saved as interrupted and the
  // database is closed cleanly before the process ends.
  let closed = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (closed) return;
    event.preventDefault();
    globalShortcut.unregisterAll();
    tray.destroy();
    runtime
      .close()
      .catch((error: unknown) => console.error('Closing the data folder failed:', error))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  startUpdates({
    updater: electronUpdater.autoUpdater,
    isPackaged: app.isPackaged,
    feedUrl: settings.updateFeedUrl,
    log: (message) => console.warn(message),
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((error: unknown) => {
    console.error('CodeFace could not start:', error);
    // A person who started the app from a menu sees no terminal: the reason goes in a dialog.
    dialog.showErrorBox(
      'CodeFace could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
  });
}
