import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hotkeyLabel, recordKeyPress } from './hotkey';
import { HotkeySettings } from './HotkeySettings';

afterEach(cleanup);

const press = (
  code: string,
  modifiers: Partial<Record<'ctrl' | 'alt' | 'shift' | 'meta', boolean>>,
) => ({
  key: '',
  code,
  ctrlKey: modifiers.ctrl ?? false,
  altKey: modifiers.alt ?? false,
  shiftKey: modifiers.shift ?? false,
  metaKey: modifiers.meta ?? false,
});

describe('recordKeyPress', () => {
  it('writes Ctrl elsewhere and Cmd on macOS as CommandOrControl, named as on the keyboard', () => {
    expect(recordKeyPress(press('Space', { ctrl: true, shift: true }), false)).toEqual({
      accelerator: 'CommandOrControl+Shift+Space',
      label: 'Ctrl+Shift+Space',
    });
    expect(recordKeyPress(press('Space', { meta: true, shift: true }), true)).toEqual({
      accelerator: 'CommandOrControl+Shift+Space',
      label: 'Cmd+Shift+Space',
    });
    expect(recordKeyPress(press('KeyK', { ctrl: true, alt: true }), true)).toEqual({
      accelerator: 'Control+Alt+K',
      label: 'Ctrl+Option+K',
    });
    expect(recordKeyPress(press('KeyL', { meta: true, ctrl: true }), true)).toEqual({
      accelerator: 'Command+Control+L',
      label: 'Cmd+Ctrl+L',
    });
    expect(recordKeyPress(press('KeyJ', { meta: true, alt: true }), false).accelerator).toBe(
      'Alt+Super+J',
    );
  });

  it('takes the key by its place, whatever character Alt or Shift makes it type', () => {
    const altK = { ...press('KeyK', { alt: true, meta: true }), key: '˚' };
    expect(recordKeyPress(altK, true).accelerator).toBe('CommandOrControl+Alt+K');
    expect(recordKeyPress(press('Digit1', { ctrl: true, shift: true }), false).accelerator).toBe(
      'CommandOrControl+Shift+1',
    );
    expect(recordKeyPress(press('ArrowUp', { ctrl: true }), false).accelerator).toBe(
      'CommandOrControl+Up',
    );
    expect(recordKeyPress(press('Numpad5', { alt: true }), false).accelerator).toBe('Alt+num5');
    expect(recordKeyPress(press('F13', {}), false).accelerator).toBe('F13');
  });

  it('waits while only modifiers are held, and takes no key it cannot name', () => {
    expect(recordKeyPress(press('ShiftLeft', { ctrl: true, shift: true }), false)).toEqual({
      accelerator: null,
      label: 'Ctrl+Shift+…',
    });
    expect(recordKeyPress(press('MetaRight', { meta: true }), true).label).toBe('Cmd+…');
    expect(recordKeyPress(press('IntlRo', { ctrl: true }), false).accelerator).toBeNull();
  });

  it('names a saved hotkey for the keyboard at hand', () => {
    expect(hotkeyLabel('CommandOrControl+Shift+Space', false)).toBe('Ctrl+Shift+Space');
    expect(hotkeyLabel('CommandOrControl+Alt+Space', true)).toBe('Cmd+Option+Space');
  });
});

describe('HotkeySettings', () => {
  const registered = { state: 'registered' as const, accelerator: 'CommandOrControl+Shift+Space' };

  it('records the next combination pressed and saves it', async () => {
    const save = vi.fn(() => Promise.resolve());
    render(
      <HotkeySettings
        accelerator={registered.accelerator}
        status={registered}
        mac={false}
        actions={{ save }}
      />,
    );
    expect(screen.getByTestId('hotkey-current').textContent).toBe('Ctrl+Shift+Space');
    expect(screen.getByTestId('hotkey-status').textContent).toContain('works in every app');
    fireEvent.click(screen.getByTestId('hotkey-change'));
    const recorder = screen.getByTestId('hotkey-recorder');
    expect(document.activeElement).toBe(recorder);
    fireEvent.keyDown(recorder, { key: 'Control', code: 'ControlLeft', ctrlKey: true });
    expect(recorder.textContent).toBe('Ctrl+…');
    expect(screen.getByTestId<HTMLButtonElement>('hotkey-save').disabled).toBe(true);
    fireEvent.keyDown(recorder, { key: 'K', code: 'KeyK', ctrlKey: true, altKey: true });
    expect(recorder.textContent).toBe('Ctrl+Alt+K');
    fireEvent.click(screen.getByTestId('hotkey-save'));
    expect(save).toHaveBeenCalledWith('CommandOrControl+Alt+K');
    await waitFor(() => expect(screen.queryByTestId('hotkey-recorder')).toBeNull());
  });

  it('says in words why a hotkey was refused, and keeps the recorder open', async () => {
    const save = vi.fn(() => Promise.reject(new Error('Ctrl+Alt+K is taken by another app.')));
    render(
      <HotkeySettings
        accelerator={registered.accelerator}
        status={registered}
        mac={false}
        actions={{ save }}
      />,
    );
    fireEvent.click(screen.getByTestId('hotkey-change'));
    const recorder = screen.getByTestId('hotkey-recorder');
    fireEvent.keyDown(recorder, { key: 'k', code: 'KeyK', ctrlKey: true, altKey: true });
    fireEvent.click(screen.getByTestId('hotkey-save'));
    await screen.findByText('Ctrl+Alt+K is taken by another app.');
    expect(recorder.getAttribute('aria-invalid')).toBe('true');
    fireEvent.keyDown(recorder, { key: 'Escape', code: 'Escape' });
    expect(screen.queryByTestId('hotkey-recorder')).toBeNull();
  });

  it('shows a hotkey that could not be registered as an alert, with what to use instead', () => {
    const message = 'Ctrl+Shift+Space is taken by another app. Use Quick ask in the tray menu.';
    render(
      <HotkeySettings
        accelerator="CommandOrControl+Shift+Space"
        status={{ state: 'failed', accelerator: 'CommandOrControl+Shift+Space', message }}
        mac={false}
        actions={{ save: vi.fn() }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe(message);
  });
});
