import { join } from 'node:path';
import { createFileSecretStore, SECRETS_FILE } from '../api';
import type { Platform } from '../api';

/**
 * The web host's platform: no native dialogs (the browser's file input and clipboard do that
 * work in the page) and no way to open the person's browser from a headless process, so links
 * open in the page itself.
 */
export function createHeadlessPlatform(options: { dataDir: string }): Platform {
  return {
    kind: 'web',
    dataDir: options.dataDir,
    canPickFiles: false,
    pickModelFile: () => Promise.resolve(null),
    openExternal: () => Promise.resolve(),
    secrets: createFileSecretStore({ path: join(options.dataDir, SECRETS_FILE) }),
  };
}
