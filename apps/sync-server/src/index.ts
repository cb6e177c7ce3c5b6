export { createSyncServer } from './server';
export type { SyncServer } from './server';
export type { AppRouter } from './trpc/app-router';
