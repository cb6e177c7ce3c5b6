import { join } from 'node:path';
import { createFileSecretStore, SECRETS_FILE } from '../api';
import type { HotkeyStatus, Platform } from '../api';

const NO_HOTKEY: HotkeyStatus = {
  state: 'unsupported',
  message:
    'A browser tab cannot hear keys pressed in other apps, so the hotkey works only in the desktop app. It is saved for it.',
};

/**
 * The web host's platform: no native dialogs (the browser's file input and clipboard do that
 * work in the page) and no way to open the person's browser from a headless process, so links
 * open in the page itself. There is no global hotkey, and the page reads the clipboard itself
 * (the browser asks the person first).
 */
export function createHeadlessPlatform(options: { dataDir: string }): Platform {
  return {
    kind: 'web',
    dataDir: options.dataDir,
    canPickFiles: false,
    pickModelFile: () => Promise.resolve(null),
    pickPath: () => Promise.resolve(null),
    openExternal: () => Promise.resolve(),
    secrets: createFileSecretStore({ path: join(options.dataDir, SECRETS_FILE) }),
    hotkey: { status: () => NO_HOTKEY, apply: () => NO_HOTKEY },
    readQuickAskContext: () => Promise.resolve(null),
  };
}
