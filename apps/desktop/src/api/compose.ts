import { randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { openStore, StoreError, timeOrderedIds } from '@codeface/db';
import type { Store } from '@codeface/db';
import {
  BUILT_IN_PRESETS,
  defaultDiscoveryRoots,
  OpenAICompatibleEngine,
  startOpenAIApiServer,
} from '@codeface/inference';
import type { DiscoveryRoots, Engine } from '@codeface/inference';
import WebSocket from 'ws';
import { createCodeFiles } from './adapters/code-files';
import { createDbChatStore, createDbEmbeddingStore } from './adapters/db-chat-store';
import { createTransformersEmbedder } from './adapters/transformers-embedder';
import { createEngineChatEngine } from './adapters/engine-chat-engine';
import { createJsonDocuments } from './adapters/json-documents';
import { createInferenceModelLibrary } from './adapters/inference-model-library';
import { ModelSwitch } from './adapters/model-switch';
import { planStoreKey } from './adapters/store-encryption';
import { createSyncAccounts } from './adapters/sync-accounts';
import type { Platform } from './platform';
import { createServices } from './services';
import { DEFAULT_REMOTE_CONTEXT_SIZE } from './services/remote-server-service';
import type { Services } from './services';
import type { Clock, RemoteServerConnection } from './services/ports';

export type AppRuntime = {
  services: Services;
  store: Store;
  /**
   * Saves answers being written as interrupted, stops the engine and closes the database; the
   * runtime is unusable after.
   */
  close(): Promise<void>;
};

export type AppRuntimeOptions = {
  dataDir: string;
  platform: Platform;
  engine: Engine;
  /** The folder the web host's file browser is kept inside; the user's home by default. */
  home?: string;
  /** Where to look for models of LM Studio, Ollama and the Hugging Face cache. */
  discoveryRoots?: DiscoveryRoots;
  /** A Hugging Face mirror for downloads (`HF_ENDPOINT`). */
  huggingFaceEndpoint?: string;
  /** CPU threads for generation; the engine's own choice when absent. */
  threads?: number;
  now?: Clock;
  newId?: () => string;
  /** A local text-embedding model for semantic search; without one, search is full-text. */
  embeddingModel?: { localModelPath: string; modelId: string };
  /** The database driver's build for Electron's ABI (main process); Node's build otherwise. */
  nativeBinding?: string;
  /**
   * Saves this maximum answer length in the settings at start (tests and benches on a fresh
   * data folder); absent, the saved setting stands.
   */
  maxAnswerTokens?: number;
  /** The database passphrase (`CODEFACE_PASSPHRASE`, or the unlock screen's); see `planStoreKey`. */
  passphrase?: string;
};

/** The name of the database file inside the data folder. */
export const DATABASE_FILE = 'codeface.db';

/** How long a remote server may take to list its models before "test connection" gives up. */
const REMOTE_LIST_TIMEOUT_MS = 10_000;
/**
 * How long a remote server may stay silent during an answer: before its first token it may be
 * reading a long prompt, or loading the model, which takes a while on a busy machine.
 */
const REMOTE_CHAT_TIMEOUT_MS = 120_000;

function remoteEngine(server: RemoteServerConnection, timeoutMs: number): OpenAICompatibleEngine {
  return new OpenAICompatibleEngine({ ...server, timeoutMs });
}

/**
 * Where in the data folder the engine saves chats' model states (0208). The budget here is a
 * placeholder: the runtime sets the one in the settings before the model process starts.
 */
export const chatStatesFolder = (dataDir: string) => ({
  dir: join(dataDir, 'chat-states'),
  budgetBytes: 4 * 1024 ** 3,
});

/**
 * Opens everything the app API runs on, in one data folder: the SQLite store, small JSON
 * documents, the model library and the engine. Electron's main process and the web host both
 * start here; only how the engine's process is spawned differs between them.
 */
export async function openAppRuntime(options: AppRuntimeOptions): Promise<AppRuntime> {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? timeOrderedIds(now);
  const databaseFile = join(options.dataDir, DATABASE_FILE);
  const newToken = () => randomBytes(32).toString('base64url');
  const plan = planStoreKey({
    file: databaseFile,
    secrets: options.platform.secrets,
    host: options.platform.kind,
    passphrase: options.passphrase,
    newKey: newToken,
  });
  if (plan.kind === 'locked') {
    throw new StoreError('key-required', `The database at ${databaseFile} is encrypted.`, {
      path: databaseFile,
      reason: plan.reason,
    });
  }
  const store = openStore({
    path: databaseFile,
    key: plan.key,
    now,
    newId,
    nativeBinding: options.nativeBinding,
  });
  let storeKey = plan.key;
  if (plan.encryptWith !== undefined) {
    try {
      await store.rekey(plan.encryptWith);
    } catch (error) {
      store.close();
      throw error;
    }
    storeKey = plan.encryptWith;
  }
  const models = new ModelSwitch(options.engine);
  const engine = createEngineChatEngine(models, {
    threads: options.threads,
    connectRemote: (server) => remoteEngine(server, REMOTE_CHAT_TIMEOUT_MS),
  });
  const services = createServices({
    store: createDbChatStore(store),
    documents: createJsonDocuments(join(options.dataDir, 'documents')),
    engine,
    library: createInferenceModelLibrary({
      store,
      modelsDir: join(options.dataDir, 'models'),
      discoveryRoots: options.discoveryRoots ?? defaultDiscoveryRoots({ home: homedir() }),
      home: options.home ?? homedir(),
      engineInfo: () => engine.info(),
      huggingFaceEndpoint: options.huggingFaceEndpoint,
      newId,
    }),
    platform: options.platform,
    files: createCodeFiles(),
    codeUndos: store.codeUndos,
    builtinPresets: BUILT_IN_PRESETS,
    now,
    newId,
    embeddings: createDbEmbeddingStore(store),
    embedder: options.embeddingModel ? createTransformersEmbedder(options.embeddingModel) : null,
    listRemoteModels: async (server) =>
      (
        await remoteEngine(
          { ...server, contextSize: DEFAULT_REMOTE_CONTEXT_SIZE },
          REMOTE_LIST_TIMEOUT_MS,
        ).listModels()
      ).map((model) => ({ name: model.id, contextLength: model.contextLength })),
    localApiHost: {
      start: ({ port, token }) =>
        startOpenAIApiServer({
          engine: models,
          token,
          port,
          now,
          // Editors that send no max_tokens get the person's maximum answer length.
          defaultMaxTokens: () => services.settings.get().maxAnswerTokens,
        }),
      servedModelId: async () => (await models.info()).model?.id ?? null,
    },
    newToken,
    storeKey: {
      encryption: plan.encryption,
      key: storeKey,
      rekey: (newKey, onProgress) => store.rekey(newKey, { onProgress }),
    },
    syncAccounts: createSyncAccounts({
      store,
      // Node 20 (the web host) has no WebSocket of its own; `ws` is the same class in both.
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    }),
    defaultDeviceName: `CodeFace on ${hostname()}`,
  });
  if (options.maxAnswerTokens !== undefined) {
    services.settings.update({ maxAnswerTokens: options.maxAnswerTokens });
  }
  // Called first: the engine takes the budget as set at once, before anything starts its model
  // process, which opens the saved chat states with it (deleting the oldest past it); deleted
  // chats' states go too (0208). A failure costs only the saving.
  services.models
    .syncSavedStates(services.chats.list({ includeArchived: true }).map((chat) => chat.id))
    .catch(() => undefined);
  await services.models.restoreLastModel();
  await services.localApi.resume();
  // Finding the GPU starts the model process, which takes seconds; do it now rather than when
  // the Models screen first asks. A failure here shows up again, readable, when it asks.
  services.models.info().catch(() => undefined);
  services.semantic.poke();
  // A device that was signed in syncs again; signed out, sync opens no connection at all.
  services.sync.resume();
  return {
    services,
    store,
    async close() {
      // Answers being written are saved as stopped before the engine goes away under them.
      await services.generation.stopAll();
      await services.localApi.close();
      await services.sync.close();
      await services.semantic.close();
      await models.dispose();
      store.close();
    },
  };
}
