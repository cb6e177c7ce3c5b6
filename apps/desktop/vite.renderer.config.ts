import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The renderer's build, shared by Electron (electron.vite.config.ts) and the web host
 * (`codeface serve` builds it on first run). Relative asset URLs let the same files load from
 * `file://` in Electron and from the web host's origin.
 */
export const rendererConfig: UserConfig = {
  root: here('./src/renderer'),
  base: './',
  plugins: [react()],
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
