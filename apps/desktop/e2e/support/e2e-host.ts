import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { inject } from 'vitest';
import { serve } from '../../src/host/serve';
import type { RunningHost } from '../../src/host/serve';

export type E2EHost = RunningHost & {
  dataDir: string;
  modelPath: string;
  dispose(): Promise<void>;
};

/** The web host on a fresh data folder with the tiny model on one CPU thread. */
export async function startE2EHost(
  options: {
    maxAnswerTokens?: number;
    huggingFaceEndpoint?: string;
    /** The home folder the file browser is kept inside, and LM Studio's folder in it. */
    home?: string;
    passphrase?: string;
    /** An existing data folder (a restart); a fresh one by default. */
    dataDir?: string;
  } = {},
): Promise<E2EHost> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'codeface-e2e-')));
  const modelPath = await ensureTinyModel();
  const host = await serve({
    dataDir,
    rendererDir: inject('e2eRendererDir'),
    port: 0,
    gpu: false,
    threads: 1,
    maxAnswerTokens: options.maxAnswerTokens ?? 1500,
    discoveryRoots: {
      lmStudio: options.home ? [join(options.home, '.lmstudio', 'models')] : [],
      ollama: [],
      huggingFace: [],
    },
    home: options.home,
    huggingFaceEndpoint: options.huggingFaceEndpoint,
    passphrase: options.passphrase,
  });
  // Assigned, not spread: spreading would read `runtime`, which throws while the host is locked.
  return Object.assign(host, {
    dataDir,
    modelPath,
    async dispose() {
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
