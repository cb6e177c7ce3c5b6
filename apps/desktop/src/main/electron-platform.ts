import { dialog, shell } from 'electron';
import type { BrowserWindow } from 'electron';
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
  };
}
