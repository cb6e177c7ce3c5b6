import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { keepQuickAskAlive, QUICK_ASK_WINDOW_OPTIONS, toggleQuickAsk } from './quick-ask-window';
import type { QuickAskWindow } from './quick-ask-window';

const laptop = { id: 1, workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const monitor = { id: 2, workArea: { x: 1440, y: 0, width: 2560, height: 1400 } };

/** Electron's window as far as the popup uses it, recording what was done to it. */
function fakeWindow(state: { visible: boolean; focused: boolean }) {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  const webContents = Object.assign(new EventEmitter(), { focus: record('webContents.focus') });
  const window = Object.assign(new EventEmitter(), {
    webContents,
    isVisible: () => state.visible,
    isFocused: () => state.focused,
    hide: record('hide'),
    show: record('show'),
    setBounds: record('setBounds'),
    setAlwaysOnTop: record('setAlwaysOnTop'),
    setVisibleOnAllWorkspaces: record('setVisibleOnAllWorkspaces'),
    moveTop: record('moveTop'),
    focus: record('focus'),
  });
  return { window: window as unknown as QuickAskWindow, emitter: window, webContents, calls };
}

/** A screen whose pointer is at `point`; the display nearest it is the one containing it. */
function fakeScreen(point: { x: number; y: number }) {
  return {
    getCursorScreenPoint: () => point,
    getDisplayNearestPoint: ({ x }: { x: number; y: number }) =>
      (x >= monitor.workArea.x ? monitor : laptop) as Electron.Display,
  };
}

describe('the quick-ask window', () => {
  it('is created hidden, frameless, on top and out of the taskbar', () => {
    expect(QUICK_ASK_WINDOW_OPTIONS).toMatchObject({
      show: false,
      frame: false,
      alwaysOnTop: true,
      skipTaskbar: true,
    });
  });

  it('shows on the display under the pointer, above full-screen apps, and takes the keyboard', () => {
    const { window, calls } = fakeWindow({ visible: false, focused: false });
    toggleQuickAsk(window, fakeScreen({ x: 2000, y: 700 }));
    expect(calls).toEqual([
      ['setBounds', { x: 1440 + 940, y: 280, width: 680, height: 460 }],
      ['setAlwaysOnTop', true, 'screen-saver'],
      [
        'setVisibleOnAllWorkspaces',
        true,
        { visibleOnFullScreen: true, skipTransformProcessType: true },
      ],
      ['show'],
      ['moveTop'],
      ['focus'],
      ['webContents.focus'],
    ]);
    const other = fakeWindow({ visible: false, focused: false });
    toggleQuickAsk(other.window, fakeScreen({ x: 100, y: 100 }));
    expect(other.calls[0]).toEqual(['setBounds', { x: 380, y: 25 + 175, width: 680, height: 460 }]);
  });

  it('comes forward when shown but not focused, and hides when pressed again in front', () => {
    const behind = fakeWindow({ visible: true, focused: false });
    toggleQuickAsk(behind.window, fakeScreen({ x: 0, y: 0 }));
    expect(behind.calls.map(([name]) => name)).toContain('focus');
    const front = fakeWindow({ visible: true, focused: true });
    toggleQuickAsk(front.window, fakeScreen({ x: 0, y: 0 }));
    expect(front.calls).toEqual([['hide']]);
  });

  it('hides instead of closing (the answer streams on) until the app quits', () => {
    let quitting = false;
    const { window, emitter, calls } = fakeWindow({ visible: true, focused: true });
    keepQuickAskAlive(window, {
      isQuitting: () => quitting,
      continueInChat: vi.fn(),
      dialogOpen: () => false,
    });
    const close = { preventDefault: vi.fn() };
    emitter.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(calls).toEqual([['hide']]);
    emitter.emit('blur');
    expect(calls).toEqual([['hide'], ['hide']]);
    quitting = true;
    const last = { preventDefault: vi.fn() };
    emitter.emit('close', last);
    expect(last.preventDefault).not.toHaveBeenCalled();
  });

  it('stays up while its own file dialog has the focus, and hides on blur once it is closed', () => {
    let dialogOpen = true;
    const { window, emitter, calls } = fakeWindow({ visible: true, focused: false });
    keepQuickAskAlive(window, {
      isQuitting: () => false,
      continueInChat: vi.fn(),
      dialogOpen: () => dialogOpen,
    });
    emitter.emit('blur');
    expect(calls).toEqual([]);
    dialogOpen = false;
    emitter.emit('blur');
    expect(calls).toEqual([['hide']]);
  });

  it('turns "Continue in chat" into the main window on that chat, and lets nothing else through', () => {
    const continueInChat = vi.fn();
    const { window, webContents, calls } = fakeWindow({ visible: true, focused: true });
    keepQuickAskAlive(window, { isQuitting: () => false, continueInChat, dialogOpen: () => false });
    const toChat = { preventDefault: vi.fn() };
    webContents.emit('will-navigate', toChat, 'app://codeface/index.html?chat=c%201');
    expect(toChat.preventDefault).toHaveBeenCalled();
    expect(continueInChat).toHaveBeenCalledWith('c 1');
    expect(calls).toEqual([['hide']]);
    const elsewhere = { preventDefault: vi.fn() };
    webContents.emit('will-navigate', elsewhere, 'app://codeface/index.html');
    expect(continueInChat).toHaveBeenCalledTimes(1);
  });
});
