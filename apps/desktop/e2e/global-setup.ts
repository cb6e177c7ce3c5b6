import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { rendererConfig } from '../vite.renderer.config';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's renderer build is, for the e2e tests' web host (`inject`). */
    e2eRendererDir: string;
  }
}

/**
 * Builds the renderer once per test run, for the e2e tests, into a folder of the run's own: two
 * runs at once (a second started to load the machine, or another checkout's) each emptied and
 * rebuilt one shared folder under the other's pages, whose screens then never appeared.
 */
export default async function buildRendererForE2E(
  project: TestProject,
): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'codeface-e2e-renderer-'));
  await build({
    ...rendererConfig,
    configFile: false,
    logLevel: 'error',
    build: { ...rendererConfig.build, outDir },
  });
  project.provide('e2eRendererDir', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
