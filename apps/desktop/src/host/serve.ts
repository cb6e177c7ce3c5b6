import { randomBytes } from 'node:crypto';
import { LlamaCppEngine } from '@codeface/inference';
import type { DiscoveryRoots } from '@codeface/inference';
import { chatStatesFolder, openAppRuntime } from '../api/compose';
import type { AppRuntime } from '../api/compose';
import { createRunToken } from './auth';
import { createHeadlessPlatform } from './headless-platform';
import { startWebHost } from './web-host';

export type ServeOptions = {
  dataDir: string;
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** false keeps the model on the CPU. */
  gpu: 'auto' | false;
  threads?: number;
  maxAnswerTokens?: number;
  discoveryRoots?: DiscoveryRoots;
  /** The folder the file browser is kept inside; the user's home by default. */
  home?: string;
  huggingFaceEndpoint?: string;
  embeddingModel?: { localModelPath: string; modelId: string };
  /** Encrypts the data with this passphrase (an existing plain file at this start). */
  passphrase?: string;
};

export type RunningHost = {
  url: string;
  port: number;
  runtime: AppRuntime;
  close(): Promise<void>;
};

/** Opens the data folder, starts the model engine and the web host: `codeface serve`. */
export async function serve(options: ServeOptions): Promise<RunningHost> {
  const engine = new LlamaCppEngine({
    gpu: options.gpu,
    savedStates: chatStatesFolder(options.dataDir),
  });
  const runtime = await openAppRuntime({
    dataDir: options.dataDir,
    platform: createHeadlessPlatform({ dataDir: options.dataDir }),
    engine,
    threads: options.threads,
    maxAnswerTokens: options.maxAnswerTokens,
    discoveryRoots: options.discoveryRoots,
    home: options.home,
    huggingFaceEndpoint: options.huggingFaceEndpoint,
    embeddingModel: options.embeddingModel,
    passphrase: options.passphrase,
  });
  try {
    const host = await startWebHost({
      services: runtime.services,
      rendererDir: options.rendererDir,
      port: options.port,
      token: createRunToken(randomBytes),
    });
    return {
      url: host.url,
      port: host.port,
      runtime,
      async close() {
        await host.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
