import { EngineError } from '@codeface/inference';
import type { Engine } from '@codeface/inference';
import type { ChatEngine, EngineInfo } from '../services/ports';

/**
 * The app API's view of an inference `Engine`: one engine, one loaded model, kept warm across
 * chats; each chat keeps its own KV cache in the engine (keyed by chat id).
 */
export function createEngineChatEngine(
  engine: Engine,
  options: { threads?: number } = {},
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
        if (event.type === 'error') throw new EngineError(event.code, event.message);
        yield event;
      }
    },
    prefill: (request) => engine.prefill(request.messages, { chatId: request.chatId }),
    async load(model) {
      loaded = null;
      await engine.load(
        { id: model.id, path: model.path },
        { contextSize: model.contextSize, gpuLayers: model.gpuLayers, threads: options.threads },
      );
      loaded = model.id;
    },
    async unload() {
      loaded = null;
      await engine.unload();
    },
    async info(): Promise<EngineInfo> {
      const info = await engine.info();
      return {
        backend: info.backend,
        gpuName: info.gpuName,
        vramTotalBytes: info.vramTotalBytes,
        vramFreeBytes: info.vramFreeBytes,
        loadedModel: info.model?.id ?? null,
        contextSize: info.contextSize,
        weightMemory: info.weightMemory,
      };
    },
    loadedModelId: () => loaded,
  };
}
