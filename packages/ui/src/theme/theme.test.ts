import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyTheme, resolveTheme, themeStylesheet } from './theme';

afterEach(() => {
  vi.useRealTimers();
});

describe('theme', () => {
  it('follows the system only when the preference is system', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('defines every variable for both themes', () => {
    const css = themeStylesheet();
    expect(css).toContain(":root[data-theme='dark']");
    expect(css.match(/--cf-text:/g)).toHaveLength(2);
  });

  it('fades only while switching, not on the first paint', () => {
    vi.useFakeTimers();
    const root = document.createElement('html');
    applyTheme(root, 'light');
    expect(root.classList.contains('cf-theme-transition')).toBe(false);
    applyTheme(root, 'dark');
    expect(root.dataset.theme).toBe('dark');
    expect(root.classList.contains('cf-theme-transition')).toBe(true);
    vi.runAllTimers();
    expect(root.classList.contains('cf-theme-transition')).toBe(false);
  });
});
