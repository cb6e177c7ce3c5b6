export * from './engine';
export * from './llama';
export * from './openai';
export * from './api-server';
export * from './models';
export * from './prompts';
export * from './embeddings';
