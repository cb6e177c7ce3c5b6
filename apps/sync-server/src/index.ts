export { createSyncServer } from './server';
export type { SyncServer, SyncServerOptions } from './server';
export type { AppRouter } from './trpc/app-router';
export { serverConfigSchema } from './config';
export type { ServerConfig, ServerConfigInput } from './config';
