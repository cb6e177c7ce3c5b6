import { chatsRouter } from './routers/chats';
import { messagesRouter } from './routers/messages';
import { modelsRouter } from './routers/models';
import { platformRouter } from './routers/platform';
import { searchRouter } from './routers/search';
import { presetsRouter, settingsRouter } from './routers/settings';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  chats: chatsRouter,
  messages: messagesRouter,
  models: modelsRouter,
  settings: settingsRouter,
  presets: presetsRouter,
  search: searchRouter,
  platform: platformRouter,
});

export type AppRouter = typeof appRouter;
