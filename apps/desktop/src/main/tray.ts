import type { MenuItemConstructorOptions } from 'electron';
import { describeAccelerator } from '../api/accelerator';
import type { HotkeyStatus } from '../api';

/**
 * The tray (menu bar) menu: open the app, the quick ask (always reachable here, whatever the
 * hotkey's fate, which the menu says in words), quit.
 */
export function trayMenuTemplate(options: {
  hotkey: HotkeyStatus;
  platform: NodeJS.Platform;
  open: () => void;
  quickAsk: () => void;
  quit: () => void;
}): MenuItemConstructorOptions[] {
  const { hotkey, platform } = options;
  const items: MenuItemConstructorOptions[] = [
    { label: 'Open CodeFace', click: options.open },
    {
      label: 'Quick ask',
      // Shown beside the item; it is a global hotkey, not one the menu itself listens for.
      accelerator: hotkey.state === 'registered' ? hotkey.accelerator : undefined,
      registerAccelerator: false,
      click: options.quickAsk,
    },
  ];
  if (hotkey.state === 'failed') {
    const shown = hotkey.accelerator ? describeAccelerator(hotkey.accelerator, platform) : '';
    items.push({
      label: shown ? `Hotkey ${shown} is not available (see Settings)` : 'No hotkey (see Settings)',
      enabled: false,
    });
  }
  items.push({ type: 'separator' }, { label: 'Quit CodeFace', role: 'quit', click: options.quit });
  return items;
}

/** The tray icon's tooltip: what the hotkey is, or that it is not working. */
export function trayTooltip(hotkey: HotkeyStatus, platform: NodeJS.Platform): string {
  return hotkey.state === 'registered'
    ? `CodeFace — quick ask with ${describeAccelerator(hotkey.accelerator, platform)}`
    : 'CodeFace — the quick-ask hotkey is not available; see Settings';
}
