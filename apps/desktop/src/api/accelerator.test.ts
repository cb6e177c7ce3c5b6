import { describe, expect, it } from 'vitest';
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
