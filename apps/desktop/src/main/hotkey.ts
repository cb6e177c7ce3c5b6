import type { GlobalShortcut } from 'electron';
import { checkAccelerator, describeAccelerator } from '../api/accelerator';
import type { HotkeyStatus } from '../api';

/** The command a desktop shortcut can run where no global hotkey can be registered. */
export const QUICK_ASK_FLAG = '--quick-ask';
/** What the hotkey does, as an event on `app`: the Electron smoke test presses it this way. */
export const QUICK_ASK_EVENT = 'codeface:quick-ask';

/**
 * The quick ask's global hotkey. A new hotkey replaces the old one only once it is registered,
 * so a taken key never leaves the person with none; every failure is a sentence that says what
 * to do instead (Settings and the tray show it).
 */
export function createHotkeyController(options: {
  globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>;
  onPress: () => void;
  platform: NodeJS.Platform;
  /** Under Wayland, registering goes through the desktop's GlobalShortcuts portal. */
  wayland: boolean;
}): { status(): HotkeyStatus; apply(accelerator: string): HotkeyStatus } {
  const { globalShortcut, onPress, platform, wayland } = options;
  let registered: string | null = null;
  let status: HotkeyStatus = {
    state: 'failed',
    accelerator: '',
    message:
      'No quick-ask hotkey is set. Choose one in Settings, or use Quick ask in the tray menu.',
  };
  const fallback = `Use Quick ask in the tray menu, or make a desktop shortcut that runs \`codeface ${QUICK_ASK_FLAG}\`.`;

  const failed = (accelerator: string, message: string): HotkeyStatus => ({
    state: 'failed',
    accelerator,
    message,
  });

  return {
    status: () => status,
    apply(input) {
      const check = checkAccelerator(input);
      if (!check.ok) return failed(input, `${check.problem} ${fallback}`);
      const accelerator = check.accelerator;
      if (accelerator === registered) return status;
      const shown = describeAccelerator(accelerator, platform);
      let ok: boolean;
      try {
        ok = globalShortcut.register(accelerator, onPress);
      } catch {
        ok = false;
      }
      if (!ok) {
        const message = wayland
          ? `Your desktop did not let CodeFace use ${shown}. Under Wayland a global hotkey needs the desktop's GlobalShortcuts portal (GNOME 48, KDE Plasma 5.27 or later). ${fallback}`
          : `${shown} is taken by another app. Pick another hotkey in Settings. ${fallback}`;
        const result = failed(accelerator, message);
        // A person's first hotkey failing is the status; a replacement failing keeps the old one.
        if (registered === null) status = result;
        return result;
      }
      if (registered !== null) globalShortcut.unregister(registered);
      registered = accelerator;
      status = { state: 'registered', accelerator };
      return status;
    },
  };
}
