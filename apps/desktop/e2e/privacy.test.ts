import { describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';

describe('Settings → Privacy in Chromium, through the web host', () => {
  const chromium = useChromium();

  it('says the data is plain and how to encrypt it, with the warning, until started with a passphrase', async () => {
    for (const passphrase of [undefined, 'correct horse battery']) {
      await withAppSession(
        chromium.browser,
        { hostOptions: { passphrase } },
        async ({ page, app }) => {
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
        },
      );
    }
  }, 120_000);
});
