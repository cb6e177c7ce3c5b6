export { EmbeddingError } from './embedding-error';
export type { EmbeddingErrorCode } from './embedding-error';
export { TransformersEngine, transformersEngineOptionsSchema } from './transformers-engine';
export type { EmbeddingEngineInfo, TransformersEngineOptions } from './transformers-engine';
