export { LlamaCppEngine } from './llama-cpp-engine';
export type { LlamaCppEngineOptions } from './llama-cpp-engine';
export { MODEL_PROCESS_PROTOCOL_VERSION } from './protocol';
export type { ProcessSettings } from './protocol';
export { MODEL_PROCESS_ENTRY, spawnNodeModelProcess } from './spawn-model-process';
export type { ModelProcessHandle, SpawnModelProcess } from './spawn-model-process';
export { weightMemoryLoadOptions } from './weight-memory';
export type { WeightMemory } from './weight-memory';
