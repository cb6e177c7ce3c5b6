import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Moves the app's stylesheets from <head> to the end of <body>, after the shell (`shell.css`,
 * inlined). In <head> a stylesheet holds back the first paint until it has loaded; in <body> only
 * what comes after it, so the shell paints as soon as the HTML has arrived. The module script still
 * runs only once they have loaded (a loading stylesheet blocks scripts), so React never draws
 * unstyled.
 */
function stylesheetsAfterShell(): Plugin {
  return {
    name: 'codeface:stylesheets-after-shell',
    transformIndexHtml: {
      // After Vite has written its tags into <head>.
      order: 'post',
      handler(html) {
        const links = html.match(/\n\s*<link rel="stylesheet"[^>]*>/g) ?? [];
        const rest = links.reduce((page, link) => page.replace(link, ''), html);
        return rest.replace(/\n\s*<\/body>/, (end) => `${links.join('')}${end}`);
      },
    },
  };
}

/**
 * The renderer's build, shared by Electron (electron.vite.config.ts) and the web host
 * (`codeface serve` builds it on first run). Relative asset URLs let the same files load from
 * `file://` in Electron and from the web host's origin.
 */
export const rendererConfig: UserConfig = {
  root: here('./src/renderer'),
  base: './',
  plugins: [react(), stylesheetsAfterShell()],
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    target: 'es2023',
    // Shiki's grammars are large chunks loaded only when a code block in that language shows.
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: {
        index: here('./src/renderer/index.html'),
        quickAsk: here('./src/renderer/quick-ask.html'),
      },
    },
  },
};
