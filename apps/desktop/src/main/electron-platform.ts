import { join } from 'node:path';
import { clipboard, dialog, safeStorage, shell } from 'electron';
import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { createFileSecretStore, SECRETS_FILE } from '../api';
import type { Platform } from '../api';
import { isExternalLink } from './security';

/**
 * Whether safeStorage really encrypts with the OS keychain. On Linux without a secret service
 * (no gnome-keyring or KWallet) Electron falls back to `basic_text`, a key built into Chromium:
 * that protects nothing, so the secrets file is then protected only by its 0600 permissions,
 * and the app says so instead of claiming a keychain.
 */
function keychainAvailable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

/** Native dialogs, the clipboard, the system browser and the OS keychain, for the Electron app. */
export function createElectronPlatform(options: {
  dataDir: string;
  parentWindow: () => BrowserWindow | null;
  hotkey: Platform['hotkey'];
}): Platform {
  const showOpen = async (dialogOptions: OpenDialogOptions): Promise<string | null> => {
    const parent = options.parentWindow();
    const result = parent
      ? await dialog.showOpenDialog(parent, dialogOptions)
      : await dialog.showOpenDialog(dialogOptions);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  const showSave = async (dialogOptions: SaveDialogOptions): Promise<string | null> => {
    const parent = options.parentWindow();
    const result = parent
      ? await dialog.showSaveDialog(parent, dialogOptions)
      : await dialog.showSaveDialog(dialogOptions);
    return result.canceled ? null : (result.filePath ?? null);
  };
  return {
    kind: 'electron',
    dataDir: options.dataDir,
    canPickFiles: true,
    pickModelFile: () =>
      showOpen({
        title: 'Import a model',
        properties: ['openFile'],
        filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
      }),
    pickPath(request) {
      const common = { title: request.title, defaultPath: request.defaultPath };
      switch (request.kind) {
        case 'open-file':
          return showOpen({ ...common, properties: ['openFile'] });
        case 'folder':
          return showOpen({ ...common, properties: ['openDirectory', 'createDirectory'] });
        case 'save-file':
          return showSave({
            ...common,
            properties: ['createDirectory', 'showOverwriteConfirmation'],
          });
        default:
          return request satisfies never;
      }
    },
    async openExternal(url) {
      if (isExternalLink(url)) await shell.openExternal(url);
    },
    secrets: createFileSecretStore({
      path: join(options.dataDir, SECRETS_FILE),
      sealer: keychainAvailable()
        ? {
            seal: (text) => safeStorage.encryptString(text).toString('base64'),
            open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
          }
        : undefined,
    }),
    hotkey: options.hotkey,
    // Read when the popup asks, which is when it is shown: what the person just copied or,
    // on Linux, just selected (the primary selection).
    readQuickAskContext: () =>
      Promise.resolve({
        clipboard: clipboard.readText('clipboard') || null,
        selection: process.platform === 'linux' ? clipboard.readText('selection') || null : null,
      }),
  };
}
