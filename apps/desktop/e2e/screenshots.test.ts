import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '../scripts/demo-chats';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

/**
 * Every screen renders in both themes without a page error. The README's screenshots are made
 * by `npm run screenshots` (scripts/screenshots.ts); these go to a temp folder.
 */
describe('every screen in both themes', () => {
  const chromium = useChromium();
  let host: E2EHost;
  let outDir: string;

  beforeAll(async () => {
    host = await startE2EHost();
    outDir = await mkdtemp(join(tmpdir(), 'codeface-shots-'));
    await mkdir(outDir, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
    await rm(outDir, { recursive: true, force: true });
  });

  const shoot = async (page: Page, name: string) => {
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(outDir, `${name}.png`) });
  };

  it('takes the first run, chat, search, models, settings, palette, shortcuts and a narrow window', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await withAppSession(
        chromium.browser,
        { host, session: { colorScheme: theme } },
        async ({ page, app }) => {
          if (theme === 'light') {
            await app.firstRun().waitFor();
            await shoot(page, `first-run-${theme}`);
            await app.loadModelFile(host.modelPath);
            host.runtime.services.exports.import(demoExport());
            await app.reload();
          } else {
            await app.firstRun().waitFor({ state: 'detached' });
          }
          expect(await app.theme()).toBe(theme);

          await app.openChat('Debounce loses the last call');
          await page.locator('.cf-message-body pre').first().waitFor();
          await shoot(page, `chat-${theme}`);

          await app.search('debounce');
          await app.searchHits().first().waitFor();
          await shoot(page, `search-${theme}`);
          await app.search('');

          await app.openModels();
          await app.models.fitBadges().first().waitFor({ timeout: 60_000 });
          await shoot(page, `models-${theme}`);

          await app.openSettings();
          await shoot(page, `settings-${theme}`);

          await app.openChat('Debounce loses the last call');
          await page.keyboard.press('Control+k');
          await page.getByRole('combobox', { name: 'Search or run a command' }).waitFor();
          await shoot(page, `command-palette-${theme}`);
          await page.keyboard.press('Escape');

          await page.locator('body').click({ position: { x: 5, y: 790 } });
          await page.keyboard.press('?');
          await page.getByRole('dialog').waitFor();
          await shoot(page, `shortcuts-${theme}`);
          await page.keyboard.press('Escape');

          await page.setViewportSize({ width: 360, height: 740 });
          await page.locator('.cf-message-body pre').first().waitFor();
          await shoot(page, `narrow-${theme}`);
        },
      );
    }
  }, 180_000);
});
