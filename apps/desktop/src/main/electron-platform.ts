import { join } from 'node:path';
import { dialog, safeStorage, shell } from 'electron';
import type { BrowserWindow } from 'electron';
import { createFileSecretStore, SECRETS_FILE } from '../api';
import type { Platform } from '../api';

/** Native dialogs and the system browser, for the Electron app. */
export function createElectronPlatform(options: {
  dataDir: string;
  parentWindow: () => BrowserWindow | null;
}): Platform {
  return {
    kind: 'electron',
    dataDir: options.dataDir,
    canPickFiles: true,
    async pickModelFile() {
      const parent = options.parentWindow();
      const dialogOptions: Electron.OpenDialogOptions = {
        title: 'Import a model',
        properties: ['openFile'],
        filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
      };
      const result = parent
        ? await dialog.showOpenDialog(parent, dialogOptions)
        : await dialog.showOpenDialog(dialogOptions);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async openExternal(url) {
      if (/^https?:\/\//.test(url)) await shell.openExternal(url);
    },
    // Each value is encrypted with the OS keychain (Keychain, DPAPI, libsecret/kwallet).
    secrets: createFileSecretStore({
      path: join(options.dataDir, SECRETS_FILE),
      sealer: {
        seal: (text) => safeStorage.encryptString(text).toString('base64'),
        open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
      },
    }),
  };
}
