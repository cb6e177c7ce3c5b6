import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/api/compose';
import { openSession } from './support/browser';
import { startE2EHost } from './support/e2e-host';
import { screenshotPath } from './support/screenshots';
import { useChromium } from './support/app-session';
import { AppPage } from './pages/app-page';

const SQLITE_HEADER = 'SQLite format 3\0';
const header = (dataDir: string) =>
  readFileSync(join(dataDir, DATABASE_FILE)).subarray(0, 16).toString('latin1');

/**
 * Settings, waited for as long as the loaded machine needs: its first load asks the model
 * process, which starts slowly when every core is busy.
 */
async function openPrivacy(page: Page) {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('privacy').waitFor({ timeout: 120_000 });
}

async function shootPrivacy(page: Page, name: string) {
  const section = page.getByTestId('privacy-settings');
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: screenshotPath(name) });
}

describe('encryption at rest in Chromium, through the web host', () => {
  const chromium = useChromium();

  it('encrypts from Settings → Privacy without a restart, unlocks after one, changes the passphrase and turns off', async () => {
    const first = await startE2EHost();
    const { dataDir } = first;
    let host = first;
    try {
      first.runtime.services.chats.create({ title: 'Kept under the passphrase' });
      // Dark first: the light run encrypts, and the host is then started again.
      for (const theme of ['dark', 'light'] as const) {
        const session = await openSession(chromium.browser, { colorScheme: theme });
        const app = new AppPage(session.page);
        const { page } = session;
        try {
          await app.open(host.url);
          await openPrivacy(page);
          const privacy = page.getByTestId('privacy');
          expect(await privacy.getAttribute('data-encryption')).toBe('none');
          expect(await page.getByTestId('privacy-warning').innerText()).toMatch(
            /^If the key is lost, the data is lost/,
          );
          await page.getByTestId('privacy-new-passphrase').fill('correct horse');
          await page.getByTestId('privacy-repeat-passphrase').fill('correct horse');
          await shootPrivacy(page, `privacy-${theme}`);
          if (theme === 'dark') continue;

          // The button waits for the tick; a mismatch is said before anything is sent.
          const confirm = page.getByTestId('privacy-encrypt-confirm');
          expect(await confirm.isDisabled()).toBe(true);
          await page.getByTestId('privacy-understood').check();
          await page.getByTestId('privacy-repeat-passphrase').fill('correct horsE');
          await confirm.click();
          expect(await page.getByTestId('privacy-problem').innerText()).toBe(
            'The two passphrases are not the same.',
          );
          await page.getByTestId('privacy-repeat-passphrase').fill('correct horse');
          await confirm.click();
          await page.locator('[data-testid="privacy"][data-encryption="passphrase"]').waitFor();
          expect(header(dataDir)).not.toBe(SQLITE_HEADER);
          // Still the running app: the chats are there.
          await page.getByTestId('sidebar').getByText('Kept under the passphrase').waitFor();
          expect(session.pageErrors).toEqual([]);
        } finally {
          await session.context.close();
        }
        // The same data folder, started again without the passphrase: it starts locked.
        await host.close();
        host = await startE2EHost({ dataDir });
        expect(host.gate.status().locked).toBe(true);
      }

      for (const theme of ['light', 'dark'] as const) {
        const session = await openSession(chromium.browser, { colorScheme: theme });
        const { page } = session;
        try {
          await page.goto(host.url);
          const unlock = page.getByTestId('unlock');
          await unlock.waitFor();
          expect(await page.getByTestId('unlock-why').innerText()).toMatch(/passphrase/);
          // A locked page offers no fresh start in the web host.
          expect(await page.getByTestId('unlock-start-fresh-open').count()).toBe(0);
          await page.getByTestId('unlock-passphrase').fill('wrong horse');
          await page.getByTestId('unlock-submit').click();
          expect(await page.getByTestId('unlock-problem').innerText()).toBe(
            'That passphrase does not open your CodeFace data. Check it and try again.',
          );
          await page.screenshot({ path: screenshotPath(`unlock-${theme}`) });
          if (theme === 'light') continue;

          await page.getByTestId('unlock-passphrase').fill('correct horse');
          await page.getByTestId('unlock-submit').click();
          await page.getByTestId('sidebar').waitFor({ state: 'attached' });
          await page.getByTestId('sidebar').getByText('Kept under the passphrase').waitFor();

          await openPrivacy(page);
          await page.getByTestId('privacy-change-open').click();
          await page.getByTestId('privacy-current-passphrase').fill('not the one');
          await page.getByTestId('privacy-new-passphrase').fill('battery staple');
          await page.getByTestId('privacy-repeat-passphrase').fill('battery staple');
          await page.getByTestId('privacy-change-confirm').click();
          expect(await page.getByTestId('privacy-problem').innerText()).toBe(
            'That is not the current passphrase, so nothing was changed.',
          );
          await page.getByTestId('privacy-current-passphrase').fill('correct horse');
          await page.getByTestId('privacy-change-confirm').click();
          await page.getByTestId('privacy-change-open').waitFor();

          await page.getByTestId('privacy-decrypt-open').click();
          expect(await page.getByTestId('privacy-warning').innerText()).toMatch(
            /^Your chats will be stored unencrypted/,
          );
          await page.getByTestId('privacy-current-passphrase').fill('battery staple');
          await page.getByTestId('privacy-decrypt-confirm').click();
          await page.locator('[data-testid="privacy"][data-encryption="none"]').waitFor();
          expect(header(dataDir)).toBe(SQLITE_HEADER);
          expect(session.pageErrors).toEqual([]);
        } finally {
          await session.context.close();
        }
      }
    } finally {
      await host.dispose();
    }
  }, 300_000);
});
