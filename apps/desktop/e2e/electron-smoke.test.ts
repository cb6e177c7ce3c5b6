import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from '../src/electron-binary';

const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));
const binary = findElectronBinary();
const reason =
  binary === null
    ? " (skipped: Electron's binary is not installed here — npm ci ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1)"
    : '';

describe('the Electron app', () => {
  it.skipIf(binary === null)(
    `opens a sandboxed window that draws the app${reason}`,
    async () => {
      const build = spawnSync(
        process.execPath,
        [join(APP_ROOT, '../../node_modules/electron-vite/bin/electron-vite.js'), 'build'],
        {
          cwd: APP_ROOT,
          stdio: 'inherit',
        },
      );
      expect(build.status).toBe(0);
      const dataDir = await mkdtemp(join(tmpdir(), 'codeface-electron-'));
      const app = await electron.launch({
        executablePath: binary ?? '',
        args: [APP_ROOT],
        env: { ...process.env, CODEFACE_DATA_DIR: dataDir, CODEFACE_GPU: 'false' },
      });
      try {
        const window = await app.firstWindow();
        await window.getByTestId('sidebar').waitFor({ timeout: 60_000 });
        // No Node in the page, and the bridge offers exactly the transport.
        const page = await window.evaluate(() => ({
          require: typeof (globalThis as { require?: unknown }).require,
          process: typeof (globalThis as { process?: unknown }).process,
          bridge: Object.keys((globalThis as { codeface?: object }).codeface ?? {}).sort(),
        }));
        expect(page).toEqual({
          require: 'undefined',
          process: 'undefined',
          bridge: ['onMessage', 'send'],
        });
      } finally {
        await app.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
