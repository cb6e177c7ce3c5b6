import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, globalShortcut, ipcMain, session, shell } from 'electron';
import type { BrowserWindow } from 'electron';
import type { WebContents } from 'electron';
import { LlamaCppEngine } from '@codeface/inference';
import { openAppRuntime } from '../api/compose';
import type { AppRuntime } from '../api/compose';
import { createIpcServer } from '../api/ipc/ipc-server';
import { API_IPC_CHANNEL } from '../api/transport';
import { discoveryRootsFrom, embeddingModelFrom, readEnv } from '../env';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol';
import { createElectronPlatform } from './electron-platform';
import { createMainWindow, createQuickAskWindow, mainWindowUrl } from './windows';
import { spawnUtilityModelProcess } from './utility-process-spawn';

const here = fileURLToPath(new URL('.', import.meta.url));
const RENDERER_DIR = join(here, '../renderer');
const PRELOAD = join(here, '../preload/index.cjs');
/** Bundled next to this file by electron.vite.config.ts. */
const MODEL_PROCESS = join(here, 'model-process.js');

let mainWindow: BrowserWindow | null = null;
let quickAskWindow: BrowserWindow | null = null;
let quitting = false;

registerAppScheme();

/** Every window and webview: no navigation away from the app, links open in the browser. */
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

/** Connects the IPC channel to the app API; only our own page may call it. */
function serveApi(runtime: AppRuntime): void {
  const server = createIpcServer({ createContext: () => ({ services: runtime.services }) });
  const watched = new Set<number>();
  const watch = (contents: WebContents) => {
    if (watched.has(contents.id)) return;
    watched.add(contents.id);
    const drop = () => server.dropPeer(String(contents.id));
    contents.on('did-start-navigation', drop);
    contents.on('render-process-gone', drop);
    contents.once('destroyed', () => {
      drop();
      watched.delete(contents.id);
    });
  };
  ipcMain.on(API_IPC_CHANNEL, (event, frame: unknown) => {
    if (!event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`)) return;
    watch(event.sender);
    const sender = event.sender;
    server.receive(
      {
        id: String(sender.id),
        send: (reply) => {
          if (!sender.isDestroyed()) sender.send(API_IPC_CHANNEL, reply);
        },
      },
      frame,
    );
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  const env = readEnv();
  const dataDir = env.CODEFACE_DATA_DIR ?? join(app.getPath('userData'), 'data');
  const runtime = await openAppRuntime({
    dataDir,
    platform: createElectronPlatform({ dataDir, parentWindow: () => mainWindow }),
    engine: new LlamaCppEngine({
      gpu: env.CODEFACE_GPU === 'false' ? false : 'auto',
      spawn: spawnUtilityModelProcess,
      modulePath: MODEL_PROCESS,
    }),
    threads: env.CODEFACE_THREADS,
    discoveryRoots: discoveryRootsFrom(env),
    huggingFaceEndpoint: env.HF_ENDPOINT,
    embeddingModel: embeddingModelFrom(env),
  });
  serveRenderer(RENDERER_DIR);
  serveApi(runtime);
  // The page may read the clipboard (quick ask's context) and write it (copy buttons); nothing else.
  session.defaultSession.setPermissionRequestHandler((contents, permission, grant) => {
    grant(contents.getURL().startsWith(`${APP_ORIGIN}/`) && permission.startsWith('clipboard-'));
  });
  const openMainWindow = (chatId?: string) => {
    if (mainWindow === null) {
      mainWindow = createMainWindow({ preload: PRELOAD, chatId });
      mainWindow.on('closed', () => {
        mainWindow = null;
        // The hidden quick-ask window keeps the app alive otherwise; on macOS apps stay open.
        if (process.platform !== 'darwin') app.quit();
      });
      return;
    }
    if (chatId) void mainWindow.loadURL(mainWindowUrl(chatId));
    mainWindow.show();
    mainWindow.focus();
  };
  openMainWindow();
  quickAskWindow = createQuickAskWindow({
    preload: PRELOAD,
    isQuitting: () => quitting,
    continueInChat: openMainWindow,
  });
  const hotkey = runtime.store.settings.get('quickAskHotkey');
  const registered = globalShortcut.register(hotkey, () => {
    if (quickAskWindow?.isVisible()) {
      quickAskWindow.hide();
    } else {
      quickAskWindow?.show();
      quickAskWindow?.focus();
    }
  });
  if (!registered) console.warn(`The quick-ask hotkey ${hotkey} is taken by another app.`);
  app.on('activate', () => openMainWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => {
    globalShortcut.unregisterAll();
    void runtime.close();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    mainWindow?.show();
    mainWindow?.focus();
  });
  void start();
}
