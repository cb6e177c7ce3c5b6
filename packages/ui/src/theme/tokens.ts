/**
 * The two palettes, as data: the CSS variables are generated from these, and the contrast test
 * reads the same values, so what is tested is what is shown.
 */

export type ThemeName = 'light' | 'dark';

export type Palette = {
  bg: string;
  bgElevated: string;
  bgSunken: string;
  bgHover: string;
  bgSelected: string;
  border: string;
  text: string;
  textMuted: string;
  accent: string;
  accentText: string;
  onAccent: string;
  danger: string;
  warning: string;
  success: string;
  mark: string;
  markText: string;
  codeBg: string;
  codeText: string;
  /** Backgrounds of added and removed lines in a diff preview; code text sits on them. */
  diffAddedBg: string;
  diffRemovedBg: string;
  focus: string;
};

export const palettes: Record<ThemeName, Palette> = {
  light: {
    bg: '#ffffff',
    bgElevated: '#f6f7f9',
    bgSunken: '#eef0f3',
    bgHover: '#e8ebef',
    bgSelected: '#dde7fb',
    border: '#d3d8df',
    text: '#1b1f24',
    textMuted: '#57606a',
    accent: '#1f5fd1',
    accentText: '#1a56be',
    onAccent: '#ffffff',
    danger: '#b42318',
    warning: '#8a5a00',
    success: '#1a7f37',
    mark: '#fff1a8',
    markText: '#1b1f24',
    codeBg: '#f3f4f6',
    codeText: '#1b1f24',
    diffAddedBg: '#dcf5e3',
    diffRemovedBg: '#fbe1df',
    focus: '#1f5fd1',
  },
  dark: {
    bg: '#15171b',
    bgElevated: '#1c1f24',
    bgSunken: '#101215',
    bgHover: '#262a31',
    bgSelected: '#233454',
    border: '#333842',
    text: '#e6e8eb',
    textMuted: '#a2a9b4',
    accent: '#2f6ad8',
    accentText: '#8ab4ff',
    onAccent: '#ffffff',
    danger: '#ff8a80',
    warning: '#f0c05a',
    success: '#6fd38c',
    mark: '#5c4a00',
    markText: '#fff6cc',
    codeBg: '#0f1114',
    codeText: '#e6e8eb',
    diffAddedBg: '#173a24',
    diffRemovedBg: '#4a1f1c',
    focus: '#8ab4ff',
  },
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--cf-text: #…;` declarations for one palette. */
export function paletteDeclarations(palette: Palette): string {
  return Object.entries(palette)
    .map(([name, value]) => `--cf-${kebab(name)}: ${value};`)
    .join(' ');
}
