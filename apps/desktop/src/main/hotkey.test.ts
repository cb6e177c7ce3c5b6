import { describe, expect, it, vi } from 'vitest';
import { createHotkeyController } from './hotkey';

function setup(options: { taken?: string[]; wayland?: boolean } = {}) {
  const registered = new Set<string>();
  const globalShortcut = {
    register: vi.fn((accelerator: string) => {
      if (options.taken?.includes(accelerator)) return false;
      registered.add(accelerator);
      return true;
    }),
    unregister: vi.fn((accelerator: string) => {
      registered.delete(accelerator);
    }),
  };
  const onPress = vi.fn();
  const controller = createHotkeyController({
    globalShortcut,
    onPress,
    platform: 'linux',
    wayland: options.wayland ?? false,
  });
  return { controller, registered, globalShortcut };
}

describe('the quick-ask hotkey', () => {
  it('registers the hotkey and swaps it for a new one only once the new one works', () => {
    const { controller, registered } = setup({ taken: ['Control+Alt+T'] });
    expect(controller.apply('CommandOrControl+Shift+Space')).toEqual({
      state: 'registered',
      accelerator: 'CommandOrControl+Shift+Space',
    });
    const taken = controller.apply('Ctrl+Alt+T');
    expect(taken.state).toBe('failed');
    expect(taken.state === 'failed' && taken.message).toMatch(
      /^Ctrl\+Alt\+T is taken by another app\. Pick another hotkey in Settings\. Use Quick ask in the tray menu/,
    );
    // The old hotkey still works, and is what the status reports.
    expect([...registered]).toEqual(['CommandOrControl+Shift+Space']);
    expect(controller.status().state).toBe('registered');
    expect(controller.apply('Alt+Space').state).toBe('registered');
    expect([...registered]).toEqual(['Alt+Space']);
  });

  it('says when Wayland gives no way to register, and offers the tray', () => {
    const { controller } = setup({ taken: ['CommandOrControl+Shift+Space'], wayland: true });
    const status = controller.apply('CommandOrControl+Shift+Space');
    expect(status).toEqual(controller.status());
    expect(status.state === 'failed' && status.message).toMatch(
      /Under Wayland a global hotkey needs the desktop's GlobalShortcuts portal.*tray menu.*codeface --quick-ask/,
    );
  });

  it('refuses a stored hotkey that is not one, without calling Electron', () => {
    const { controller, globalShortcut } = setup();
    const status = controller.apply('Shift+A');
    expect(status.state).toBe('failed');
    expect(globalShortcut.register).not.toHaveBeenCalled();
  });

  it('does not register the same hotkey twice', () => {
    const { controller, globalShortcut } = setup();
    controller.apply('Ctrl+Shift+Space');
    controller.apply('Control+Shift+Space');
    expect(globalShortcut.register).toHaveBeenCalledTimes(1);
  });
});
