export { OpenAICompatibleEngine } from './openai-compatible-engine';
export type { OpenAICompatibleEngineOptions } from './openai-compatible-engine';
export { formatSseData, readSseData } from './sse';
