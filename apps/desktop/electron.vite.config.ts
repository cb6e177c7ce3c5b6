import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Electron's three bundles: main and preload for Node/Electron, the renderer for the browser. */
export default defineConfig({
  main: {
    build: {
      // Our packages are TypeScript sources: bundle them; keep native modules external.
      externalizeDeps: {
        exclude: ['@codeface/db', '@codeface/inference'],
        include: ['node-llama-cpp', 'better-sqlite3-multiple-ciphers', '@huggingface/transformers'],
      },
      outDir: here('./out/main'),
      rollupOptions: {
        input: {
          index: here('./src/main/index.ts'),
          // The model runs in its own process (utilityProcess); its entry ships next to main.
          'model-process': here('../../packages/inference/src/llama/model-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      rollupOptions: {
        input: here('./src/preload/index.ts'),
        // A sandboxed preload cannot load ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
