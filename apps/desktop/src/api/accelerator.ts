/**
 * Global hotkeys in Electron's accelerator syntax (`CommandOrControl+Shift+Space`), checked
 * before they reach `globalShortcut.register`, which throws on a string it cannot parse and
 * says nothing useful about one it can parse but cannot use.
 */

/** Modifier names Electron accepts, each mapped to the one spelling we store. */
const MODIFIERS: Record<string, string> = {
  commandorcontrol: 'CommandOrControl',
  cmdorctrl: 'CommandOrControl',
  command: 'Command',
  cmd: 'Command',
  control: 'Control',
  ctrl: 'Control',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};

/** The order modifiers are written in, so one hotkey has one spelling. */
const MODIFIER_ORDER = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Shift', 'Super'];

const NAMED_KEYS = [
  'Space',
  'Tab',
  'Backspace',
  'Delete',
  'Insert',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'Plus',
  'PrintScreen',
  'num0',
  'num1',
  'num2',
  'num3',
  'num4',
  'num5',
  'num6',
  'num7',
  'num8',
  'num9',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
];
const KEY_ALIASES: Record<string, string> = { return: 'Enter', esc: 'Escape' };
const namedKeys = new Map(NAMED_KEYS.map((key) => [key.toLowerCase(), key]));
/** Punctuation keys Electron names by their character (`+` is spelled `Plus`). */
const PUNCTUATION = new Set([...')!@#$%^&*(:;=<,_->.?/~`{][|\\}"\'']);

/** Function keys F13–F24 are on no common keyboard; another app rarely holds them, so they may stand alone. */
const LONE_KEY = /^F(1[3-9]|2[0-4])$/;

export type AcceleratorCheck = { ok: true; accelerator: string } | { ok: false; problem: string };

function keyOf(part: string): string | null {
  const lower = part.toLowerCase();
  if (/^[a-z0-9]$/.test(lower)) return lower.toUpperCase();
  if (/^f([1-9]|1\d|2[0-4])$/.test(lower)) return lower.toUpperCase();
  const alias = KEY_ALIASES[lower];
  if (alias) return alias;
  const named = namedKeys.get(lower);
  if (named) return named;
  return PUNCTUATION.has(part) ? part : null;
}

/**
 * Checks a hotkey and writes it the one way we store it. A hotkey needs one key and at least
 * one modifier other than Shift (a letter with Shift is typing, not a hotkey), except F13–F24.
 */
export function checkAccelerator(input: string): AcceleratorCheck {
  const text = input.trim();
  if (text === '') return { ok: false, problem: 'Press a key combination for the hotkey.' };
  if (text.length > 100) return { ok: false, problem: 'That hotkey is too long.' };
  // `+` separates parts, so a trailing `++` means the plus key itself.
  const parts = text.replace(/\+\+$/, '+Plus').split('+');
  if (parts.some((part) => part.trim() === '')) {
    return { ok: false, problem: `"${text}" has an empty part: write keys as Ctrl+Shift+Space.` };
  }
  const modifiers = new Set<string>();
  let key: string | null = null;
  for (const raw of parts.map((part) => part.trim())) {
    const modifier = MODIFIERS[raw.toLowerCase()];
    if (modifier) {
      if (modifiers.has(modifier)) return { ok: false, problem: `${modifier} appears twice.` };
      modifiers.add(modifier);
      continue;
    }
    const named = keyOf(raw);
    if (named === null) return { ok: false, problem: `"${raw}" is not a key a hotkey can use.` };
    if (key !== null) {
      return {
        ok: false,
        problem: `A hotkey has one key besides its modifiers, not ${key} and ${named}.`,
      };
    }
    key = named;
  }
  if (key === null) return { ok: false, problem: 'Add a key to the modifiers, such as Space.' };
  const strongModifiers = [...modifiers].filter((modifier) => modifier !== 'Shift');
  if (strongModifiers.length === 0 && !LONE_KEY.test(key)) {
    return {
      ok: false,
      problem: 'Add Ctrl, Alt or Cmd: without one, the hotkey would fire while you type.',
    };
  }
  if (modifiers.has('CommandOrControl') && (modifiers.has('Command') || modifiers.has('Control'))) {
    return {
      ok: false,
      problem: 'CommandOrControl already means Cmd on macOS and Ctrl elsewhere.',
    };
  }
  const ordered = MODIFIER_ORDER.filter((modifier) => modifiers.has(modifier));
  return { ok: true, accelerator: [...ordered, key].join('+') };
}

/** A hotkey as people read it on this platform: `Ctrl+Shift+Space`, `Cmd+Shift+Space`. */
export function describeAccelerator(accelerator: string, platform: NodeJS.Platform): string {
  const mac = platform === 'darwin';
  const names: Record<string, string> = {
    CommandOrControl: mac ? 'Cmd' : 'Ctrl',
    Command: 'Cmd',
    Control: 'Ctrl',
    Alt: mac ? 'Option' : 'Alt',
    Super: platform === 'win32' ? 'Win' : 'Super',
  };
  return accelerator
    .split('+')
    .map((part) => names[part] ?? part)
    .join('+');
}
