import { useEffect, useState } from 'react';
import type { ThemePreference } from '../types';
import { applyTheme, resolveTheme } from './theme';
import type { ThemeName } from './tokens';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Applies a preference to the document and follows the system setting when it is `system`. */
export function useTheme(preference: ThemePreference): ThemeName {
  const [systemDark, setSystemDark] = useState(() => matchMedia(DARK_QUERY).matches);
  useEffect(() => {
    const query = matchMedia(DARK_QUERY);
    const update = (): void => setSystemDark(query.matches);
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  const theme = resolveTheme(preference, systemDark);
  useEffect(() => applyTheme(document.documentElement, theme), [theme]);
  return theme;
}
