import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { launchChromium, openSession } from './support/browser';
import { startE2EHost } from './support/e2e-host';

describe('Settings → Privacy in Chromium, through the web host', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser.close();
  });

  it('says the data is plain and how to encrypt it, with the warning, until started with a passphrase', async () => {
    for (const passphrase of [undefined, 'correct horse battery']) {
      const host = await startE2EHost({ passphrase });
      const { page, context, pageErrors } = await openSession(browser);
      const app = new AppPage(page);
      try {
        await app.open(host.url);
        await app.openSettings();
        const privacy = page.getByTestId('privacy');
        await privacy.waitFor();
        if (passphrase === undefined) {
          expect(await privacy.getAttribute('data-encryption')).toBe('none');
          expect(await page.getByTestId('privacy-state').innerText()).toMatch(/unencrypted/);
          expect(await page.getByTestId('privacy-warning').innerText()).toMatch(
            /^If the key is lost, the data is lost/,
          );
          expect(await privacy.innerText()).toContain('CODEFACE_PASSPHRASE=');
          // The web host keeps no key, so there is no button that would pretend to.
          expect(await page.getByTestId('privacy-encrypt').count()).toBe(0);
        } else {
          expect(await privacy.getAttribute('data-encryption')).toBe('passphrase');
          expect(await page.getByTestId('privacy-state').innerText()).toMatch(
            /encrypted on disk with the passphrase/,
          );
        }
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
        await host.dispose();
      }
    }
  }, 120_000);
});
