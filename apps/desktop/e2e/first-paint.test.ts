import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

/** Each window, its shell (shell.css, inline) and what React draws in its place. */
const WINDOWS = [
  { name: 'the chat window', path: './', shell: '.cf-shell', app: 'sidebar' },
  { name: 'the quick ask', path: 'quick-ask.html', shell: '.cf-shell-quick', app: 'quick-ask' },
] as const;

/** Holds every request for `pattern` until `release`; `asked` counts those that came. */
async function holdRequests(page: Page, pattern: string) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const requests = { asked: 0, release: () => release() };
  await page.route(pattern, async (route) => {
    requests.asked++;
    await held;
    await route.continue();
  });
  return requests;
}

describe('first paint, in Chromium through the web host', () => {
  const chromium = useChromium();
  let host: E2EHost;
  beforeAll(async () => {
    host = await startE2EHost();
  }, 120_000);
  afterAll(async () => {
    await host.dispose();
  });

  for (const view of WINDOWS) {
    it(`${view.name} paints its shell before the app's stylesheet arrives, and draws the app only after it`, async () => {
      await withAppSession(chromium.browser, { host }, async ({ page }) => {
        const stylesheets = await holdRequests(page, '**/assets/*.css');
        await page.goto(new URL(view.path, host.url).toString(), { waitUntil: 'commit' });
        await page.waitForFunction(
          () => performance.getEntriesByName('first-contentful-paint').length > 0,
        );
        // Painted with the stylesheet still on its way, and the script waits for it: what is on
        // screen is the shell, never the app unstyled.
        await expect.poll(() => stylesheets.asked).toBeGreaterThan(0);
        const painted = await page.evaluate(() =>
          [...document.querySelectorAll('link[rel="stylesheet"]')].map(
            (link) => (link as HTMLLinkElement).sheet !== null,
          ),
        );
        expect(painted).toEqual([false]);
        expect(await page.locator(view.shell).count()).toBe(1);
        expect(await page.getByTestId(view.app).count()).toBe(0);

        stylesheets.release();
        await page.getByTestId(view.app).waitFor({ state: 'attached' });
        expect(await page.locator(view.shell).count()).toBe(0);
      });
    }, 60_000);
  }

  it("the quick ask takes typing before the answer's Markdown renderer has arrived, and fetches it then", async () => {
    await withAppSession(chromium.browser, { host }, async ({ page }) => {
      // The chunk of the answer's renderer (AnswerText, react-markdown and its parsers, 0518).
      const renderer = await holdRequests(page, '**/assets/AnswerText-*.js');
      await page.goto(new URL('quick-ask.html', host.url).toString());
      const input = page.getByTestId('quick-ask-input');
      await input.fill('still typing');
      expect(await input.inputValue()).toBe('still typing');
      // Asked for once the popup was on screen, not before: the input did not wait for it.
      await expect.poll(() => renderer.asked).toBe(1);
      renderer.release();
    });
  }, 60_000);
});
