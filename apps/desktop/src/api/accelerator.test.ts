import { describe, expect, it } from 'vitest';
import { recordKeyPress } from '@codeface/ui/settings';
import { checkAccelerator, describeAccelerator } from './accelerator';

const ok = (input: string) => checkAccelerator(input);

describe('checkAccelerator', () => {
  it('accepts hotkeys and writes each one a single way', () => {
    expect(ok('CommandOrControl+Shift+Space')).toEqual({
      ok: true,
      accelerator: 'CommandOrControl+Shift+Space',
    });
    expect(ok(' shift+cmdorctrl+space ')).toEqual({
      ok: true,
      accelerator: 'CommandOrControl+Shift+Space',
    });
    expect(ok('Ctrl+Alt+k')).toEqual({ ok: true, accelerator: 'Control+Alt+K' });
    expect(ok('Option+Super+F5')).toEqual({ ok: true, accelerator: 'Alt+Super+F5' });
    expect(ok('Ctrl++')).toEqual({ ok: true, accelerator: 'Control+Plus' });
    expect(ok('Ctrl+Shift+/')).toEqual({ ok: true, accelerator: 'Control+Shift+/' });
    expect(ok('Alt+Return')).toEqual({ ok: true, accelerator: 'Alt+Enter' });
    expect(ok('F19')).toEqual({ ok: true, accelerator: 'F19' });
  });

  it('refuses what cannot be a global hotkey, saying why', () => {
    const problems: Array<[string, RegExp]> = [
      ['', /Press a key combination/],
      ['Space', /Add Ctrl, Alt or Cmd/],
      ['Shift+A', /Add Ctrl, Alt or Cmd/],
      ['F5', /Add Ctrl, Alt or Cmd/],
      ['Ctrl+Shift', /Add a key/],
      ['Ctrl+A+B', /one key besides its modifiers/],
      ['Ctrl+Ctrl+A', /Control appears twice/],
      ['Ctrl+Hyper+A', /"Hyper" is not a key/],
      ['Ctrl+é', /"é" is not a key/],
      ['Ctrl+Shift+', /empty part/],
      ['CmdOrCtrl+Ctrl+A', /already means/],
      ['Ctrl+'.repeat(40) + 'A', /too long/],
    ];
    for (const [input, problem] of problems) {
      const result = checkAccelerator(input);
      expect(result.ok, input).toBe(false);
      if (!result.ok) expect(result.problem, input).toMatch(problem);
    }
  });
});

describe('describeAccelerator', () => {
  it('names the keys as each platform does', () => {
    expect(describeAccelerator('CommandOrControl+Shift+Space', 'darwin')).toBe('Cmd+Shift+Space');
    expect(describeAccelerator('CommandOrControl+Shift+Space', 'linux')).toBe('Ctrl+Shift+Space');
    expect(describeAccelerator('Alt+Super+K', 'win32')).toBe('Alt+Win+K');
    expect(describeAccelerator('Alt+K', 'darwin')).toBe('Option+K');
  });
});

describe('the Settings recorder against the check', () => {
  const press = (
    code: string,
    modifiers: { ctrl?: boolean; alt?: boolean; shift?: boolean; meta?: boolean },
  ) => ({
    key: '',
    code,
    ctrlKey: modifiers.ctrl ?? false,
    altKey: modifiers.alt ?? false,
    shiftKey: modifiers.shift ?? false,
    metaKey: modifiers.meta ?? false,
  });

  it('records hotkeys in the one spelling the check stores, on every keyboard', () => {
    const codes = ['Space', 'KeyK', 'Digit7', 'F5', 'ArrowLeft', 'Slash', 'Numpad3', 'Backquote'];
    const holds = [
      { ctrl: true, shift: true },
      { alt: true },
      { ctrl: true, alt: true, meta: true },
    ];
    for (const mac of [false, true]) {
      for (const code of codes) {
        for (const hold of holds) {
          const { accelerator } = recordKeyPress(press(code, hold), mac);
          expect(accelerator).not.toBeNull();
          expect(checkAccelerator(accelerator ?? '')).toEqual({ ok: true, accelerator });
        }
      }
    }
  });

  it('leaves it to the check to refuse what cannot be a hotkey, in words', () => {
    const typing = recordKeyPress(press('KeyK', { shift: true }), false).accelerator ?? '';
    expect(checkAccelerator(typing)).toEqual({
      ok: false,
      problem: 'Add Ctrl, Alt or Cmd: without one, the hotkey would fire while you type.',
    });
  });
});
