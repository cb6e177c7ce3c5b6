import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

/** A first model from a file already on disk, in the web host, which has no native dialog. */
describe('importing a model file through the web host’s file browser', () => {
  const chromium = useChromium();
  let host: E2EHost;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'codeface-home-'));
    host = await startE2EHost({ home });
    // A model LM Studio downloaded, a project folder, and a file that is not a model.
    const lmStudioFolder = join(home, '.lmstudio', 'models', 'acme', 'tiny');
    await mkdir(lmStudioFolder, { recursive: true });
    await copyFile(host.modelPath, join(lmStudioFolder, 'tiny-coder.gguf'));
    await mkdir(join(home, 'projects'));
    await writeFile(join(home, 'notes.txt'), 'not a model');
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
    await rm(home, { recursive: true, force: true });
  });

  it('opens from first run on the home folder, offers LM Studio’s folder and imports a pick', async () => {
    await withAppSession(chromium.browser, { host }, async ({ page, app }) => {
      await app.firstRun().waitFor();
      await page.getByTestId('first-run-import').click();
      const dialog = page.getByTestId('model-browser');
      await dialog.waitFor();
      await expect.poll(() => dialog.getByTestId('browser-path').innerText()).toBe(home);
      // Folders and .gguf files only; hidden folders are reached through the places.
      expect(await dialog.getByTestId('browser-folder').allInnerTexts()).toEqual([
        expect.stringContaining('projects'),
      ]);
      expect(await dialog.getByTestId('browser-model').count()).toBe(0);
      expect(await dialog.getByRole('button', { name: 'Up' }).isDisabled()).toBe(true);

      await dialog.getByRole('button', { name: 'LM Studio' }).click();
      await dialog.getByTestId('browser-folder').filter({ hasText: 'acme' }).click();
      await dialog.getByTestId('browser-folder').filter({ hasText: 'tiny' }).click();
      await dialog.getByTestId('browser-model').filter({ hasText: 'tiny-coder.gguf' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect
        .poll(() => page.getByTestId('local-model').filter({ hasText: 'tiny-coder' }).count())
        .toBe(1);

      // The browser closes on Escape and gives focus back to the button that opened it.
      await page.getByTestId('browse-models').click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'browse-models',
      );
    });
  }, 90_000);

  it('lists nothing outside the home folder', async () => {
    const { models } = host.runtime.services;
    await expect(models.browse('/etc')).rejects.toThrow('Choose a folder inside your home folder.');
    await expect(models.browse(join(home, '..'))).rejects.toThrow(/inside your home folder/);
    expect((await models.browse(join(home, 'projects'))).parent).toBe(home);
  });
});
