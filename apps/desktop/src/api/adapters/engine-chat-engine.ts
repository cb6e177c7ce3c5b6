import { EngineError } from '@codeface/inference';
import type { Engine, SavedStatesInfo } from '@codeface/inference';
import type {
  ChatEngine,
  EngineInfo,
  RemoteServerConnection,
  SavedStatesUse,
} from '../services/ports';
import type { ModelSwitch } from './model-switch';

const savedStatesUse = (info: SavedStatesInfo): SavedStatesUse => ({
  bytes: info.bytes,
  chats: info.chats,
  budgetBytes: info.budgetBytes,
});

/**
 * The app API's view of the model switch: one loaded model, kept warm across chats, on this
 * computer or on a remote server; each chat keeps its own KV cache in the local engine (keyed
 * by chat id).
 */
export function createEngineChatEngine(
  engine: ModelSwitch,
  options: {
    threads?: number;
    /** An engine for a remote OpenAI-compatible server. */
    connectRemote: (server: RemoteServerConnection) => Engine;
  },
): ChatEngine {
  let loaded: string | null = null;
  return {
    async *chat(request) {
      const events = engine.chat(
        request.messages,
        {
          chatId: request.chatId,
          temperature: request.params.temperature,
          maxTokens: request.params.maxTokens,
        },
        request.signal,
      );
      // A failure is thrown, so that the API has one path for every error of a generation.
      for await (const event of events) {
        switch (event.type) {
          case 'error':
            throw new EngineError(event.code, event.message);
          case 'delta':
            yield event;
            break;
          case 'done':
            // The engine's figures in the app's vocabulary, the database's (0492).
            yield {
              type: 'done',
              completionTokens: event.tokens,
              timeToFirstTokenMs: event.ttftMs,
              tokensPerSecond: event.tokensPerSecond,
              promptTokens: event.promptTokens,
              reusedTokens: event.reusedTokens,
              restoredTokens: event.restoredTokens,
              stopReason: event.stopReason,
            };
            break;
          default:
            event satisfies never;
        }
      }
    },
    prefill: (request) => engine.prefill(request.messages, { chatId: request.chatId }),
    countTokens: (messages) => engine.countTokens(messages),
    async load(model) {
      loaded = null;
      await engine.load(
        { id: model.id, path: model.path },
        { contextSize: model.contextSize, gpuLayers: model.gpuLayers, threads: options.threads },
      );
      loaded = model.id;
    },
    async loadRemote(model) {
      loaded = null;
      await engine.loadRemote(options.connectRemote(model.server), {
        id: model.name,
        host: new URL(model.server.baseUrl).host,
      });
      loaded = model.id;
    },
    async unload() {
      loaded = null;
      await engine.unload();
    },
    async info(): Promise<EngineInfo> {
      // The hardware is this computer's whichever model is loaded; the model is the switch's.
      const remoteHost = engine.remoteHost();
      const hardware = await engine.hardware();
      const model = remoteHost === null ? hardware : await engine.info();
      return {
        backend: hardware.backend,
        gpuName: hardware.gpuName,
        vramTotalBytes: hardware.vramTotalBytes,
        vramFreeBytes: hardware.vramFreeBytes,
        loadedModel: remoteHost === null ? (model.model?.id ?? null) : loaded,
        contextSize: model.contextSize,
        weightMemory: model.weightMemory,
        remoteHost,
        // Saved on this computer whichever model is loaded (ModelSwitch).
        savedStates: hardware.savedStates && savedStatesUse(hardware.savedStates),
      };
    },
    loadedModelId: () => loaded,
    async savedStates(command) {
      const use = await engine.manageSavedStates(command);
      return use && savedStatesUse(use);
    },
  };
}
