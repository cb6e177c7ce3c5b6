export { OpenAICompatibleEngine } from './openai-compatible-engine';
export type { OpenAICompatibleEngineOptions, RemoteModel } from './openai-compatible-engine';
