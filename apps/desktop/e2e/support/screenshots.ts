import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

/** The README's screenshots, committed. */
const DOCS_SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots', import.meta.url));

/**
 * Where an e2e test writes the screenshot `name` (no extension). Tests take their screenshots on
 * every run, so the screens they show are drawn and checked either way; only `npm run
 * screenshots` (which sets CODEFACE_SCREENSHOTS=1) writes them over the committed ones, so a plain
 * `npm test` never changes a tracked file.
 */
export function screenshotPath(name: string): string {
  const dir =
    process.env.CODEFACE_SCREENSHOTS === '1'
      ? DOCS_SCREENSHOTS
      : join(tmpdir(), 'codeface-e2e-screenshots');
  return join(dir, `${name}.png`);
}

/**
 * Shoots the page (or only `part` of it) in the light theme, then in the dark one, as
 * `<name>-light` and `<name>-dark`, and leaves the page light again.
 */
export async function shootBothThemes(page: Page, name: string, part?: Locator): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForFunction(
      (theme) => document.documentElement.dataset.theme === theme,
      colorScheme,
    );
    const path = screenshotPath(`${name}-${colorScheme}`);
    await (part ? part.screenshot({ path }) : page.screenshot({ path }));
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
