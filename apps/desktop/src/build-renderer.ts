import { fileURLToPath } from 'node:url';

/** Where the built renderer lands; the web host serves this folder. */
export const RENDERER_OUT_DIR = fileURLToPath(new URL('../out/renderer', import.meta.url));

/** Builds the renderer with Vite (imported lazily: serving a built app needs no bundler). */
export async function buildRenderer(): Promise<void> {
  const [{ build }, { rendererConfig }] = await Promise.all([
    import('vite'),
    import('../vite.renderer.config'),
  ]);
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn' });
}
