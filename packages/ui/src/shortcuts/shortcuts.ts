/** The keyboard shortcuts of the chat window: one list drives both the handler and the sheet. */

export type ShortcutAction =
  | 'newChat'
  | 'commandPalette'
  | 'focusComposer'
  | 'previousChat'
  | 'nextChat'
  | 'showShortcuts'
  | 'toggleSidebar'
  | 'stopAnswer';

export type Shortcut = {
  action: ShortcutAction;
  /** `Mod` is Cmd on macOS and Ctrl elsewhere. */
  keys: string;
  description: string;
};

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'newChat', keys: 'Mod+Shift+O', description: 'New chat' },
  { action: 'commandPalette', keys: 'Mod+K', description: 'Search and commands' },
  { action: 'focusComposer', keys: 'Mod+L', description: 'Focus the message box' },
  { action: 'previousChat', keys: 'Alt+ArrowUp', description: 'Previous chat' },
  { action: 'nextChat', keys: 'Alt+ArrowDown', description: 'Next chat' },
  { action: 'toggleSidebar', keys: 'Mod+B', description: 'Show or hide the sidebar' },
  { action: 'showShortcuts', keys: '?', description: 'This list of shortcuts' },
  { action: 'stopAnswer', keys: 'Escape', description: 'Stop the answer' },
];

/** Keys handled inside the message box rather than globally; listed in the sheet too. */
export const COMPOSER_KEYS: ReadonlyArray<{ keys: string; description: string }> = [
  { keys: 'Enter', description: 'Send' },
  { keys: 'Shift+Enter', description: 'New line' },
];

type KeyEventLike = Pick<
  KeyboardEvent,
  'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'target'
>;

function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || !('tagName' in target)) return false;
  const element = target as HTMLElement;
  return (
    element.tagName === 'INPUT' ||
    element.tagName === 'TEXTAREA' ||
    element.isContentEditable === true
  );
}

function matches(shortcut: Shortcut, event: KeyEventLike, isMac: boolean): boolean {
  const parts = shortcut.keys.split('+');
  const key = parts[parts.length - 1] ?? '';
  const wants = new Set(parts.slice(0, -1));
  const mod = isMac ? event.metaKey : event.ctrlKey;
  if (wants.has('Mod') !== mod) return false;
  if (wants.has('Alt') !== event.altKey) return false;
  // `?` is typed with Shift on most layouts, so Shift is only checked when the shortcut names it.
  if (key !== '?' && wants.has('Shift') !== event.shiftKey) return false;
  if (!isMac && !wants.has('Mod') && event.metaKey) return false;
  return event.key.toLowerCase() === key.toLowerCase();
}

/** The action a key press asks for, or null. Plain keys (`?`) do nothing while typing. */
export function shortcutFor(event: KeyEventLike, isMac: boolean): ShortcutAction | null {
  for (const shortcut of SHORTCUTS) {
    if (!matches(shortcut, event, isMac)) continue;
    const plain = !shortcut.keys.includes('Mod') && !shortcut.keys.includes('Alt');
    if (plain && isTypingTarget(event.target)) return null;
    return shortcut.action;
  }
  return null;
}

export function displayKeys(keys: string, isMac: boolean): string {
  return keys
    .split('+')
    .map((part) => {
      if (part === 'Mod') return isMac ? '⌘' : 'Ctrl';
      if (part === 'Alt') return isMac ? '⌥' : 'Alt';
      if (part === 'Shift') return isMac ? '⇧' : 'Shift';
      if (part === 'ArrowUp') return '↑';
      if (part === 'ArrowDown') return '↓';
      if (part === 'Escape') return 'Esc';
      return part.length === 1 ? part.toUpperCase() : part;
    })
    .join(isMac ? '' : '+');
}

export const isMacPlatform = (): boolean =>
  typeof navigator !== 'undefined' &&
  /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
