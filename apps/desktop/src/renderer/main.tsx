import '@codeface/ui/styles.css';
import { applyTheme, resolveTheme, themeStylesheet, UnlockScreen } from '@codeface/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApi } from './client/api';
import { createStores, StoresContext } from './stores/context';
import { usePreferences } from './stores/preferences';

const style = document.createElement('style');
style.textContent = themeStylesheet();
document.head.append(style);
// The local copy of the theme colours the first paint; the database's setting follows.
applyTheme(
  document.documentElement,
  resolveTheme(usePreferences.getState().theme, matchMedia('(prefers-color-scheme: dark)').matches),
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const { api } = createApi();
const reactRoot = createRoot(root);
// Encrypted data without its key at hand waits behind the unlock screen; once it opens, the page
// starts again as it would have (every store loads from the open data).
async function start(): Promise<void> {
  // Unreachable or refused, the app itself shows the connection problem as it always did.
  const lock = await api.lock.status.query().catch(() => ({ locked: false as const }));
  if (lock.locked) {
    reactRoot.render(
      <StrictMode>
        <UnlockScreen
          status={lock}
          unlock={async (passphrase) => {
            await api.lock.unlock.mutate({ passphrase });
            location.reload();
          }}
          startFresh={async () => {
            await api.lock.startFresh.mutate();
            location.reload();
          }}
        />
      </StrictMode>,
    );
  } else {
    reactRoot.render(
      <StrictMode>
        <StoresContext.Provider value={createStores(api)}>
          <App />
        </StoresContext.Provider>
      </StrictMode>,
    );
  }
}

void start();
