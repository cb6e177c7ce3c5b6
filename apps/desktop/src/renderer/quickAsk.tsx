import '@codeface/ui/styles.css';
import {
  applyTheme,
  ErrorBoundary,
  MarkdownHostContext,
  resolveTheme,
  themeStylesheet,
  Toasts,
  useTheme,
} from '@codeface/ui';
import { QuickAsk } from '@codeface/ui/quickask';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi, messageOf } from './client/api';
import { createStores, StoresContext, useSlice, useStores } from './stores/context';
import { usePreferences } from './stores/preferences';
import { createQuickAskStore, QUICK_PRESET_IDS } from './stores/quick-ask';
import { showError, useToasts } from './stores/toasts';
import { useCodeToFile } from './useCodeToFile';

/** Esc and Ctrl+Enter hide the popup: Electron's main process hides the window on close. */
const hide = (): void => window.close();

/**
 * Settings live in the chat window. Only the web host asks for them from here (a path typed inside
 * a workspace folder not set yet); there the popup is a tab, which becomes the chat window.
 */
const openSettings = (): void => window.location.assign('./index.html?screen=settings');

/** The quick-ask window: a normal chat with `source = 'quick-ask'`, one question at a time. */
function QuickAskWindow({ quick }: { quick: ReturnType<typeof createQuickAskStore> }) {
  const stores = useStores();
  const messages = useSlice(stores.conversation, (s) => s.messages);
  const live = useSlice(stores.conversation, (s) => s.live);
  const stream = useSlice(stores.conversation, (s) => s.stream);
  const engine = useSlice(stores.models, (s) => s.engine);
  const modelsLoaded = useSlice(stores.models, (s) => s.loaded);
  const pendingModelId = useSlice(stores.models, (s) => s.pendingModelId);
  const settings = useSlice(stores.settings, (s) => s.settings);
  const allPresets = useSlice(stores.settings, (s) => s.presets);
  const context = useSlice(quick, (s) => s.context);
  const preset = useSlice(quick, (s) => s.preset);
  const [chatId, setChatId] = useState<string | null>(null);
  const toasts = useToasts();
  // Code blocks offer Save as… and Apply to file…, as in the chat window.
  const code = useCodeToFile(stores.api, openSettings);
  useTheme(settings?.theme ?? usePreferences.getState().theme);

  useEffect(() => {
    void stores.models.getState().refresh();
    void stores.settings.getState().refresh();
    void quick.getState().readContext();
    // The window is shown again and again without reloading: each time, what was just copied
    // or selected is the context, and the model may have changed in the chat window.
    const onShown = () => {
      if (document.visibilityState !== 'visible') return;
      void quick.getState().readContext();
      void stores.models.getState().refresh();
    };
    document.addEventListener('visibilitychange', onShown);
    window.addEventListener('focus', onShown);
    return () => {
      document.removeEventListener('visibilitychange', onShown);
      window.removeEventListener('focus', onShown);
    };
  }, [stores, quick]);

  const modelLoaded = engine?.loadedModel != null;
  const presets = QUICK_PRESET_IDS.flatMap((id) => allPresets.filter((p) => p.id === id));

  const ask = async (text: string) => {
    try {
      const chat = await stores.api.chats.create.mutate({
        source: 'quick-ask',
        preset,
        title: text.trim().split('\n')[0]?.slice(0, 60) || 'Quick question',
      });
      setChatId(chat.id);
      await stores.conversation.getState().load(chat.id);
      stores.conversation.getState().generate({
        kind: 'send',
        chatId: chat.id,
        content: quick.getState().messageFor(text),
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
      codeToFile: code.codeToFile,
    }),
    [stores, code.codeToFile],
  );

  return (
    <MarkdownHostContext.Provider value={markdownHost}>
      <ErrorBoundary label="Quick ask failed">
        <QuickAsk
          question={messages.findLast((m) => m.role === 'user')?.content.split('\n')[0] ?? null}
          answer={answer}
          live={live}
          streaming={stream !== null}
          context={context}
          onRemoveContext={(kind) => quick.getState().removeContext(kind)}
          presets={presets}
          preset={preset}
          onPresetChange={(id) => quick.getState().setPreset(id)}
          modelName={modelLoaded ? (engine.loadedModelName ?? engine.loadedModel) : null}
          noModel={
            modelsLoaded && !modelLoaded
              ? {
                  lastModelName: engine?.lastModel?.name ?? null,
                  loading: pendingModelId !== null,
                  onLoad: () => {
                    const last = engine?.lastModel;
                    if (last) void stores.models.getState().load(last.id);
                  },
                }
              : null
          }
          onAsk={(text) => void ask(text)}
          onDraftChange={(text) =>
            quick.getState().draftChanged(text, { modelLoaded, streaming: stream !== null })
          }
          onStop={() => stores.conversation.getState().stop()}
          onContinue={
            chatId
              ? () => window.location.assign(`./index.html?chat=${encodeURIComponent(chatId)}`)
              : null
          }
          onCopyCode={(code) => {
            navigator.clipboard
              .writeText(code)
              .then(hide, () => showError('Could not copy the code: the clipboard refused it.'));
          }}
          onDismiss={hide}
        />
        {code.dialog}
        <Toasts toasts={toasts.toasts} onDismiss={toasts.dismiss} />
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
      <QuickAskWindow quick={createQuickAskStore(api)} />
    </StoresContext.Provider>
  </StrictMode>,
);
