import { AppError } from '../errors';
import type { Platform } from '../platform';
import { ChatService } from './chat-service';
import { CodeFileService } from './code-file-service';
import type { CodeFiles, CodeUndoStore } from './code-file-ports';
import { ExportService } from './export-service';
import { GenerationService } from './generation-service';
import { gibToBytes, ModelService } from './model-service';
import type { ModelLibrary } from './model-ports';
import type { ChatEngine, ChatStore, Clock, DocumentStore } from './ports';
import { PresetService } from './preset-service';
import { QuickAskService } from './quick-ask-service';
import { SettingsService } from './settings-service';
import { SemanticIndex } from './semantic-index';
import type { Embedder, EmbeddingStore } from './semantic-index';
import { LocalApiService } from './local-api-service';
import type { LocalApiHost } from './local-api-service';
import { PrivacyService } from './privacy-service';
import type { StoreKeyControl } from './privacy-service';
import { RemoteServerService } from './remote-server-service';
import type { ListRemoteModels } from './remote-server-service';
import { SyncService } from './sync-service';
import type { SyncAccounts } from './sync-ports';

export type ServiceDeps = {
  store: ChatStore;
  documents: DocumentStore;
  engine: ChatEngine;
  library: ModelLibrary;
  platform: Platform;
  /** The disk, for code to files; every path is checked there. */
  files: CodeFiles;
  /** Where the previous content of each code write is kept for Undo (the store). */
  codeUndos: CodeUndoStore;
  builtinPresets: readonly { id: string; name: string; systemPrompt: string }[];
  now: Clock;
  newId: () => string;
  /** The store's embeddings and hybrid search, and the model that makes vectors (if any). */
  embeddings: EmbeddingStore;
  embedder: Embedder | null;
  /** Lists the models of a remote OpenAI-compatible server. */
  listRemoteModels: ListRemoteModels;
  /** Serves the loaded model as the local OpenAI-compatible API. */
  localApiHost: LocalApiHost;
  /** A new random token (the local API's, the database key). */
  newToken: () => string;
  /** The store's key, and how to change it while the app runs. */
  storeKey: StoreKeyControl;
  /** The sync protocol's account calls and engine (Settings → Sync). */
  syncAccounts: SyncAccounts;
  /** This device's name in the account's device list until the person changes it. */
  defaultDeviceName: string;
};

export type Services = ReturnType<typeof createServices>;

/** Wires the services of the app API over one store, one engine and one model library. */
export function createServices(deps: ServiceDeps) {
  // A deleted chat's saved model state goes with it; failing to delete it costs disk until the
  // budget or the next start's sync removes it.
  const chats = new ChatService(deps.store, (chatId) => {
    deps.engine.savedStates({ type: 'forget', chatIds: [chatId] }).catch(() => undefined);
  });
  const semantic = new SemanticIndex({ store: deps.embeddings, embedder: deps.embedder });
  const settings = new SettingsService(deps.store, {
    // A workspace folder is stored as its real path, and only if it is a folder.
    workspaceFolder: (folder) => (folder === null ? null : deps.files.folder(folder)),
    // A hotkey is saved only once the desktop has it (the web host saves it for the desktop app).
    quickAskHotkey: (accelerator) => {
      const status = deps.platform.hotkey.apply(accelerator);
      if (status.state === 'failed') throw new AppError('hotkey-unavailable', status.message);
      return accelerator;
    },
    // The engine keeps to a new budget at once (the oldest states go first).
    chatStatesBudgetGb: (gib) => {
      deps.engine
        .savedStates({ type: 'set-budget', budgetBytes: gibToBytes(gib) })
        .catch(() => undefined);
      return gib;
    },
  });
  const presets = new PresetService({
    store: deps.store,
    documents: deps.documents,
    builtins: deps.builtinPresets,
  });
  presets.importPresetsDocument();
  const generation = new GenerationService({
    store: deps.store,
    chats,
    engine: deps.engine,
    settings,
    presets,
    onBusyChange: (busy) => semantic.setGenerating(busy),
  });
  const remoteServers = new RemoteServerService({
    documents: deps.documents,
    secrets: deps.platform.secrets,
    engine: deps.engine,
    listModels: deps.listRemoteModels,
    newId: deps.newId,
  });
  const sync = new SyncService({
    documents: deps.documents,
    secrets: deps.platform.secrets,
    accounts: deps.syncAccounts,
    defaultDeviceName: deps.defaultDeviceName,
  });
  return {
    store: deps.store,
    platform: deps.platform,
    chats,
    settings,
    presets,
    semantic,
    exports: new ExportService({ store: deps.store, chats, now: deps.now }),
    remoteServers,
    localApi: new LocalApiService({
      documents: deps.documents,
      secrets: deps.platform.secrets,
      host: deps.localApiHost,
      newToken: deps.newToken,
    }),
    privacy: new PrivacyService({
      secrets: deps.platform.secrets,
      store: deps.storeKey,
      newKey: deps.newToken,
      // Nothing may write to the store while its file is rewritten: answers being written are
      // saved as stopped, sync and the semantic indexing pause until it is open again.
      quiesce: async () => {
        await generation.stopAll();
        semantic.setGenerating(true);
        await sync.close();
        return () => {
          sync.resume();
          semantic.setGenerating(false);
        };
      },
    }),
    models: new ModelService({
      library: deps.library,
      engine: deps.engine,
      settings,
      remoteServers,
    }),
    generation,
    sync,
    quickAsk: new QuickAskService({ platform: deps.platform, generation }),
    codeFiles: new CodeFileService({
      files: deps.files,
      undos: deps.codeUndos,
      settings,
      platform: deps.platform,
      newId: deps.newId,
    }),
  };
}
