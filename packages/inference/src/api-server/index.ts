export { startOpenAIApiServer } from './openai-api-server';
export type { OpenAIApiServer, OpenAIApiServerOptions } from './openai-api-server';
export { apiServerSettingsSchema } from './api-server-settings';
export type { ApiServerSettings } from './api-server-settings';
