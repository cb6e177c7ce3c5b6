export type {
  ChatMessage,
  ChatParams,
  Engine,
  EngineEvent,
  EngineInfo,
  LoadOptions,
  ModelRef,
  SavedStatesCommand,
  SavedStatesInfo,
  TokenCount,
} from './engine/types';
export { EngineError } from './engine/errors';
export type { EngineErrorCode } from './engine/errors';
export { LlamaCppEngine } from './llama/llama-cpp-engine';
export type { SpawnModelProcess } from './llama/spawn-model-process';
export { weightMemoryLoadOptions } from './llama/weight-memory';
export type { WeightMemory } from './llama/weight-memory';
export { OpenAICompatibleEngine } from './openai/openai-compatible-engine';
export type { OpenAICompatibleEngineOptions } from './openai/openai-compatible-engine';
export { startOpenAIApiServer } from './api-server/openai-api-server';
export { apiServerSettingsSchema } from './api-server/api-server-settings';
export type { ApiServerSettings } from './api-server/api-server-settings';
export { findCatalogEntry, loadCatalog } from './models/catalog';
export { defaultDiscoveryRoots, discoverLocalModels } from './models/discovery';
export type { DiscoveryRoots } from './models/discovery';
export { downloadRequestFor } from './models/download-request';
export { ModelDownloader } from './models/download/model-downloader';
export { estimateFitFromCatalog } from './models/fit-estimate';
export { describeLocalModel, importGgufFile } from './models/local-models';
export type { LocalModel } from './models/local-models';
export { isGpuBackend } from './models/machine-memory';
export type { MachineMemory } from './models/machine-memory';
export { ModelError } from './models/model-error';
export type { ModelErrorCode } from './models/model-error';
export { estimateTokenCount, planContext } from './prompts/context-budget';
export type { ContextPlan } from './prompts/context-budget';
export { BUILT_IN_PRESETS } from './prompts/presets';
export { PromptError } from './prompts/prompt-error';
export type { PromptErrorCode } from './prompts/prompt-error';
export { EmbeddingError } from './embeddings/embedding-error';
export type { EmbeddingErrorCode } from './embeddings/embedding-error';
export { TransformersEngine } from './embeddings/transformers-engine';
