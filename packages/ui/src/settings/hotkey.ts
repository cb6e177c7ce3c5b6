/**
 * The Settings hotkey recorder's half of Electron's accelerator syntax: the keys a person presses,
 * written as an accelerator and named as on their keyboard. Whether the result can be a global
 * hotkey is the app's to decide (`apps/desktop/src/api/accelerator.ts`), when it is saved.
 */

/** The key event fields the recorder reads (a DOM KeyboardEvent has them all). */
export type KeyPress = Pick<
  KeyboardEvent,
  'key' | 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'
>;

/** What has been pressed so far: the accelerator once a key joins the modifiers. */
export type Recording = { accelerator: string | null; label: string };

/** `event.code` names that are only modifiers: the recording waits for a real key. */
const MODIFIER_CODE = /^(Shift|Control|Alt|Meta|OS|AltGraph)(Left|Right)?$/;

const NAMED_CODES: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  PrintScreen: 'PrintScreen',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backquote: '`',
  NumpadAdd: 'numadd',
  NumpadSubtract: 'numsub',
  NumpadMultiply: 'nummult',
  NumpadDivide: 'numdiv',
  NumpadDecimal: 'numdec',
};

/**
 * The key by its place on the keyboard (`event.code`), not the character it types, so Alt or
 * Shift changing the character (Alt+K typing ˚ on macOS) does not change the hotkey.
 */
function keyOf(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1] ?? null;
  const digit = /^Digit(\d)$/.exec(code);
  if (digit) return digit[1] ?? null;
  const numpad = /^Numpad(\d)$/.exec(code);
  if (numpad) return `num${numpad[1] ?? ''}`;
  if (/^F([1-9]|1\d|2[0-4])$/.test(code)) return code;
  return NAMED_CODES[code] ?? null;
}

/**
 * The accelerator for a key press. Ctrl on Windows and Linux, and Cmd on macOS, are written
 * `CommandOrControl`, so a hotkey set on one computer means the same keys on another.
 */
export function recordKeyPress(event: KeyPress, mac: boolean): Recording {
  // Cmd and Ctrl together on a Mac are each itself: CommandOrControl would mean Cmd twice.
  const bothOnMac = mac && event.metaKey && event.ctrlKey;
  const modifiers = [
    (mac ? event.metaKey : event.ctrlKey) && (bothOnMac ? 'Command' : 'CommandOrControl'),
    mac && event.ctrlKey && 'Control',
    event.altKey && 'Alt',
    event.shiftKey && 'Shift',
    !mac && event.metaKey && 'Super',
  ].filter((modifier): modifier is string => modifier !== false);
  const key = MODIFIER_CODE.test(event.code) ? null : keyOf(event.code);
  if (key === null) {
    return { accelerator: null, label: [...modifiers.map((m) => nameOf(m, mac)), '…'].join('+') };
  }
  const accelerator = [...modifiers, key].join('+');
  return { accelerator, label: hotkeyLabel(accelerator, mac) };
}

function nameOf(part: string, mac: boolean): string {
  switch (part) {
    case 'CommandOrControl':
      return mac ? 'Cmd' : 'Ctrl';
    case 'Command':
      return 'Cmd';
    case 'Control':
      return 'Ctrl';
    case 'Alt':
      return mac ? 'Option' : 'Alt';
    default:
      return part;
  }
}

/** An accelerator as people read it: `Ctrl+Shift+Space`, or `Cmd+Shift+Space` on macOS. */
export function hotkeyLabel(accelerator: string, mac: boolean): string {
  return accelerator
    .split('+')
    .map((part) => nameOf(part, mac))
    .join('+');
}
