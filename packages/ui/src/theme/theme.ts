import type { ThemePreference } from '../types';
import { paletteDeclarations, palettes, type ThemeName } from './tokens';

/** The CSS custom properties of both themes, selected by `data-theme` on the root element. */
export function themeStylesheet(): string {
  return [
    `:root, :root[data-theme='light'] { color-scheme: light; ${paletteDeclarations(palettes.light)} }`,
    `:root[data-theme='dark'] { color-scheme: dark; ${paletteDeclarations(palettes.dark)} }`,
  ].join('\n');
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): ThemeName {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

const TRANSITION_CLASS = 'cf-theme-transition';
const TRANSITION_MS = 250;

/**
 * Switches the root element to a theme. Colours fade only during the switch (the class is
 * removed afterwards, so ordinary hover states stay instant), and the stylesheet turns the fade
 * off under `prefers-reduced-motion`.
 */
export function applyTheme(root: HTMLElement, theme: ThemeName): void {
  if (root.dataset.theme === theme) return;
  const animate = root.dataset.theme !== undefined;
  root.dataset.theme = theme;
  if (!animate) return;
  root.classList.add(TRANSITION_CLASS);
  setTimeout(() => root.classList.remove(TRANSITION_CLASS), TRANSITION_MS);
}
