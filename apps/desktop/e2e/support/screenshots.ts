import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
