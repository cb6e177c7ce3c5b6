import { randomBytes } from 'node:crypto';
import { LlamaCppEngine } from '@codeface/inference';
import type { DiscoveryRoots } from '@codeface/inference';
import { openAppGate } from '../api/app-gate';
import type { AppGate } from '../api/app-gate';
import { gateContext } from '../api/context';
import { chatStatesFolder } from '../api/compose';
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
  /**
   * The data's passphrase (`CODEFACE_PASSPHRASE`): opens it, or encrypts a plain file at this
   * start. Without it, encrypted data waits behind the unlock page.
   */
  passphrase?: string;
};

export type RunningHost = {
  url: string;
  port: number;
  /** Locked while the data waits for its passphrase (the unlock page). */
  gate: AppGate;
  /** The open app; throws while the gate is locked. */
  readonly runtime: AppRuntime;
  close(): Promise<void>;
};

/** Opens the data folder, starts the model engine and the web host: `codeface serve`. */
export async function serve(options: ServeOptions): Promise<RunningHost> {
  const engine = new LlamaCppEngine({
    gpu: options.gpu,
    savedStates: chatStatesFolder(options.dataDir),
  });
  const gate = await openAppGate({
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
      context: (connection) => {
        // A new page in a tab stops the answers its earlier page left waiting (0409).
        if (connection.page) gate.runtime()?.services.generation.pageConnected(connection.page);
        return gateContext(gate, connection);
      },
      rendererDir: options.rendererDir,
      port: options.port,
      token: createRunToken(randomBytes),
    });
    return {
      url: host.url,
      port: host.port,
      gate,
      get runtime() {
        const runtime = gate.runtime();
        if (runtime === null) throw new Error('The data is locked: unlock it first.');
        return runtime;
      },
      async close() {
        await host.close();
        await gate.close();
      },
    };
  } catch (error) {
    await gate.close();
    throw error;
  }
}
