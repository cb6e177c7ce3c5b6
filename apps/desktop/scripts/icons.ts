import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../e2e/support/browser';

/**
 * `npm run icons -w apps/desktop`: draws build/icons/icon.svg at the sizes packaging and the
 * tray use, in Chromium (electron-builder makes the .icns and .ico from icon.png).
 */
const ICONS = join(dirname(fileURLToPath(import.meta.url)), '../build/icons');
const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512];

async function main(): Promise<void> {
  const svg = readFileSync(join(ICONS, 'icon.svg'), 'utf8');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const draw = async (size: number, file: string) => {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
      );
      await page.screenshot({ path: join(ICONS, file), omitBackground: true });
    };
    for (const size of ICON_SIZES) await draw(size, `${size}x${size}.png`);
    // The largest, from which electron-builder makes the macOS and Windows icon files.
    await draw(1024, 'icon.png');
    // The tray draws its icon at 16–22 px; 32 px stays sharp on a 2× display.
    await draw(32, 'tray.png');
  } finally {
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
