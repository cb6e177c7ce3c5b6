import '@codeface/ui/styles.css';
import {
  applyTheme,
  ErrorBoundary,
  MarkdownHostContext,
  resolveTheme,
  themeStylesheet,
  useTheme,
} from '@codeface/ui';
import { QuickAsk, quickQuestion } from '@codeface/ui/quickask';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi, messageOf } from './client/api';
import { createStores, StoresContext, useSlice, useStores } from './stores/context';
import { usePreferences } from './stores/preferences';
import { showError } from './stores/toasts';

/** The quick-ask window: a normal chat with `source = 'quick-ask'`, one question at a time. */
function QuickAskWindow() {
  const stores = useStores();
  const messages = useSlice(stores.conversation, (s) => s.messages);
  const live = useSlice(stores.conversation, (s) => s.live);
  const stream = useSlice(stores.conversation, (s) => s.stream);
  const engine = useSlice(stores.models, (s) => s.engine);
  const modelsLoaded = useSlice(stores.models, (s) => s.loaded);
  const settings = useSlice(stores.settings, (s) => s.settings);
  const [chatId, setChatId] = useState<string | null>(null);
  useTheme(settings?.theme ?? usePreferences.getState().theme);

  useEffect(() => {
    void stores.models.getState().refresh();
    void stores.settings.getState().refresh();
  }, [stores]);

  const ask = async ({ text, withClipboard }: { text: string; withClipboard: boolean }) => {
    const clipboard = withClipboard ? await navigator.clipboard.readText().catch(() => null) : null;
    if (withClipboard && clipboard === null) showError('Could not read the clipboard.');
    try {
      const chat = await stores.api.chats.create.mutate({
        source: 'quick-ask',
        title: text.trim().split('\n')[0]?.slice(0, 60) || 'Quick question',
      });
      setChatId(chat.id);
      await stores.conversation.getState().load(chat.id);
      stores.conversation.getState().generate({
        kind: 'send',
        chatId: chat.id,
        content: quickQuestion(text, clipboard),
      });
    } catch (error) {
      showError(messageOf(error));
    }
  };

  const answer = messages.findLast((m) => m.role === 'assistant') ?? null;
  const markdownHost = useMemo(
    () => ({
      openLink: (url: string) => {
        stores.api.platform.openExternal.mutate({ url }).catch(() => undefined);
      },
      copyText: (text: string) => navigator.clipboard.writeText(text),
    }),
    [stores],
  );

  return (
    <MarkdownHostContext.Provider value={markdownHost}>
      <ErrorBoundary label="Quick ask failed">
        <QuickAsk
          question={messages.findLast((m) => m.role === 'user')?.content.split('\n')[0] ?? null}
          answer={answer}
          live={live}
          streaming={stream !== null}
          blockedReason={
            modelsLoaded && engine?.loadedModel == null
              ? 'Load a model first: open Models in the chat window.'
              : null
          }
          onAsk={(question) => void ask(question)}
          onStop={() => stores.conversation.getState().stop()}
          onContinue={
            chatId
              ? () => window.location.assign(`./index.html?chat=${encodeURIComponent(chatId)}`)
              : null
          }
          // Electron's main process hides the window instead of closing it.
          onDismiss={() => window.close()}
        />
      </ErrorBoundary>
    </MarkdownHostContext.Provider>
  );
}

const style = document.createElement('style');
style.textContent = themeStylesheet();
document.head.append(style);
applyTheme(
  document.documentElement,
  resolveTheme(usePreferences.getState().theme, matchMedia('(prefers-color-scheme: dark)').matches),
);

const root = document.getElementById('root');
if (!root) throw new Error('quick-ask.html has no #root element');
const { api } = createApi();
createRoot(root).render(
  <StrictMode>
    <StoresContext.Provider value={createStores(api)}>
      <QuickAskWindow />
    </StoresContext.Provider>
  </StrictMode>,
);
