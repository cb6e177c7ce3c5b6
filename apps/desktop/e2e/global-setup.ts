import { build } from 'vite';
import { rendererConfig } from '../vite.renderer.config';
import { E2E_RENDERER_DIR } from './support/paths';

/** Builds the renderer once per test run, into a folder of its own, for the e2e tests. */
export default async function buildRendererForE2E(): Promise<void> {
  await build({
    ...rendererConfig,
    configFile: false,
    logLevel: 'error',
    build: { ...rendererConfig.build, outDir: E2E_RENDERER_DIR },
  });
}
