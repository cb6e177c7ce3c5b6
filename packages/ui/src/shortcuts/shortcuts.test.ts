import { describe, expect, it } from 'vitest';
import { displayKeys, shortcutFor } from './shortcuts';

const key = (init: Partial<KeyboardEvent> & { key: string }) => ({
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  target: null,
  ...init,
});

describe('shortcutFor', () => {
  it('maps Mod to Ctrl off macOS and to Cmd on macOS', () => {
    expect(shortcutFor(key({ key: 'k', ctrlKey: true }), false)).toBe('commandPalette');
    expect(shortcutFor(key({ key: 'k', ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(key({ key: 'k', metaKey: true }), true)).toBe('commandPalette');
  });

  it('needs the exact modifiers', () => {
    expect(shortcutFor(key({ key: 'O', ctrlKey: true, shiftKey: true }), false)).toBe('newChat');
    expect(shortcutFor(key({ key: 'o', ctrlKey: true }), false)).toBeNull();
  });

  it('ignores ? while typing in a text box', () => {
    const textarea = { tagName: 'TEXTAREA' } as unknown as EventTarget;
    expect(shortcutFor(key({ key: '?', shiftKey: true }), false)).toBe('showShortcuts');
    expect(shortcutFor(key({ key: '?', shiftKey: true, target: textarea }), false)).toBeNull();
  });

  it('stops an answer on Esc outside text boxes only (the composer handles its own)', () => {
    const input = { tagName: 'INPUT' } as unknown as EventTarget;
    expect(shortcutFor(key({ key: 'Escape' }), false)).toBe('stopAnswer');
    expect(shortcutFor(key({ key: 'Escape', target: input }), false)).toBeNull();
  });

  it('writes keys the way each platform shows them', () => {
    expect(displayKeys('Mod+Shift+O', false)).toBe('Ctrl+Shift+O');
    expect(displayKeys('Mod+K', true)).toBe('⌘K');
  });
});
