import '@codeface/ui/styles.css';
import { applyTheme, resolveTheme, themeStylesheet } from '@codeface/ui';
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
createRoot(root).render(
  <StrictMode>
    <StoresContext.Provider value={createStores(api)}>
      <App />
    </StoresContext.Provider>
  </StrictMode>,
);
