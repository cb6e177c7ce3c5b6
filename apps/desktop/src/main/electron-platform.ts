import { join } from 'node:path';
import { clipboard, dialog, safeStorage, shell } from 'electron';
import type { BrowserWindow } from 'electron';
import { createFileSecretStore, SECRETS_FILE } from '../api';
import type { Platform } from '../api';
import { keychainSealer } from './keychain';
import { createPathPicker } from './native-dialogs';
import { isExternalLink } from './security';

/** Native dialogs, the clipboard, the system browser and the OS keychain, for the Electron app. */
export function createElectronPlatform(options: {
  dataDir: string;
  parentWindow: () => BrowserWindow | null;
  onDialog: (open: boolean) => void;
  hotkey: Platform['hotkey'];
}): Platform {
  return {
    kind: 'electron',
    dataDir: options.dataDir,
    canPickFiles: true,
    ...createPathPicker({
      dialog,
      parentWindow: options.parentWindow,
      onDialog: options.onDialog,
    }),
    async openExternal(url) {
      if (isExternalLink(url)) await shell.openExternal(url);
    },
    secrets: createFileSecretStore({
      path: join(options.dataDir, SECRETS_FILE),
      sealer: keychainSealer(safeStorage, process.platform),
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
