import { describe, expect, it, vi } from 'vitest';
import { trayMenuTemplate, trayTooltip } from './tray';

const actions = { open: vi.fn(), quickAsk: vi.fn(), quit: vi.fn() };

describe('the tray menu', () => {
  it('offers Open, Quick ask with its hotkey, and Quit', () => {
    const items = trayMenuTemplate({
      hotkey: { state: 'registered', accelerator: 'CommandOrControl+Shift+Space' },
      platform: 'linux',
      ...actions,
    });
    expect(items.map((item) => item.label ?? item.type)).toEqual([
      'Open CodeFace',
      'Quick ask',
      'separator',
      'Quit CodeFace',
    ]);
    expect(items[1]?.accelerator).toBe('CommandOrControl+Shift+Space');
    expect(items[1]?.registerAccelerator).toBe(false);
  });

  it('says in words when the hotkey is not working, and keeps Quick ask', () => {
    const hotkey = {
      state: 'failed',
      accelerator: 'Control+Alt+T',
      message: 'Ctrl+Alt+T is taken by another app.',
    } as const;
    const items = trayMenuTemplate({ hotkey, platform: 'linux', ...actions });
    expect(items.map((item) => item.label ?? item.type)).toEqual([
      'Open CodeFace',
      'Quick ask',
      'Hotkey Ctrl+Alt+T is not available (see Settings)',
      'separator',
      'Quit CodeFace',
    ]);
    expect(items[1]?.accelerator).toBeUndefined();
    expect(trayTooltip(hotkey, 'linux')).toMatch(/not available/);
  });
});
