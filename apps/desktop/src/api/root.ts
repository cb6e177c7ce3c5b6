import { chatsRouter } from './routers/chats';
import { codeFilesRouter } from './routers/code-files';
import { localApiRouter } from './routers/local-api';
import { lockRouter } from './routers/lock';
import { messagesRouter } from './routers/messages';
import { modelsRouter } from './routers/models';
import { platformRouter } from './routers/platform';
import { privacyRouter } from './routers/privacy';
import { quickAskRouter } from './routers/quick-ask';
import { remoteServersRouter } from './routers/remote-servers';
import { searchRouter } from './routers/search';
import { presetsRouter, settingsRouter } from './routers/settings';
import { syncRouter } from './routers/sync';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  chats: chatsRouter,
  messages: messagesRouter,
  models: modelsRouter,
  remoteServers: remoteServersRouter,
  localApi: localApiRouter,
  privacy: privacyRouter,
  lock: lockRouter,
  settings: settingsRouter,
  presets: presetsRouter,
  search: searchRouter,
  platform: platformRouter,
  quickAsk: quickAskRouter,
  codeFiles: codeFilesRouter,
  sync: syncRouter,
});

export type AppRouter = typeof appRouter;
