import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedOpenAIServer } from '../test/support/scripted-openai-server';
import type { ScriptedOpenAIServer } from '../test/support/scripted-openai-server';
import { AppPage } from './pages/app-page';
import { launchChromium, openSession } from './support/browser';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');
/** A line with no place to break (a hash, a minified token), and a code line wider than the popup. */
const UNBROKEN = `sha256:${'9f86d081884c7d65'.repeat(12)}`;
const LONG_CODE = `const url = '${'https://example.com/a/very/long/path'.repeat(4)}';`;

describe('the quick ask, in Chromium through the web host', () => {
  let browser: Browser;
  let remote: ScriptedOpenAIServer;
  let host: E2EHost;
  beforeAll(async () => {
    browser = await launchChromium();
    remote = await startScriptedOpenAIServer({
      models: [{ id: 'scripted-coder', contextLength: 8192 }],
      answer: () =>
        `The digest is ${UNBROKEN} and the fix:\n\n\`\`\`ts\n${LONG_CODE}\nexport default url;\n\`\`\`\n`,
      wordMs: 1,
    });
    host = await startE2EHost();
    // The model: a scripted server, so the answer's text is known.
    const { page, context } = await openSession(browser);
    const app = new AppPage(page);
    await app.open(host.url);
    await page.getByTestId('first-run-remote').click();
    await page.getByTestId('models-screen').waitFor();
    await app.models.fillRemoteServer({ url: remote.origin });
    await app.models.addRemoteServer();
    await app.models.useRemote('scripted-coder');
    await context.close();
  }, 120_000);
  afterAll(async () => {
    await host.dispose();
    await browser.close();
    await remote.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`wraps a long unbroken line and scrolls a wide code block sideways (${colorScheme})`, async () => {
      const { page, context, pageErrors } = await openSession(browser, {
        colorScheme,
        width: 680,
        height: 460,
      });
      try {
        await new AppPage(page).open(host.url);
        await page.goto(new URL('quick-ask.html', host.url).toString());
        await page.getByTestId('quick-ask-input').fill('What is this digest?');
        await page.getByTestId('quick-ask-input').press('Enter');
        const answer = page.getByTestId('quick-ask-answer');
        await expect
          .poll(() => answer.innerText(), { timeout: 30_000 })
          .toContain('export default url');
        await page.getByTestId('generation-stats').waitFor();
        const layout = await answer.evaluate((element) => {
          const pre = element.querySelector('pre');
          return {
            answer: { scroll: element.scrollWidth, client: element.clientWidth },
            pre: pre && {
              scroll: pre.scrollWidth,
              client: pre.clientWidth,
              overflowX: getComputedStyle(pre).overflowX,
            },
          };
        });
        // The prose wraps: nothing is wider than the popup, as in the chat window.
        expect(layout.answer.scroll).toBeLessThanOrEqual(layout.answer.client);
        // The code keeps its lines and scrolls inside its own block.
        expect(layout.pre?.overflowX).toBe('auto');
        expect(layout.pre?.scroll).toBeGreaterThan(layout.pre?.client ?? Infinity);
        await page.screenshot({
          path: join(SCREENSHOTS, `quick-ask-long-line-${colorScheme}.png`),
        });
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 90_000);
  }
});
