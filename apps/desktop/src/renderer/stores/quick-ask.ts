import { quickQuestion, type QuickContext } from '@codeface/ui/quickask';
import { createStore } from 'zustand/vanilla';
import type { Api } from '../client/api';
import { DRAFT_PAUSE_MS } from './conversation';

/** The built-in presets the popup offers as buttons, in this order. */
export const QUICK_PRESET_IDS = ['explain', 'fix', 'write-tests'] as const;

export type QuickAskState = {
  /** What will be sent with the question; the person may remove each. */
  context: QuickContext[];
  preset: string | null;
  /** Reads the clipboard (and the selection) again: the popup was just shown. */
  readContext: () => Promise<void>;
  removeContext: (kind: QuickContext['kind']) => void;
  setPreset: (preset: string | null) => void;
  /** The message a question is sent as, with the context that is left. */
  messageFor: (text: string) => string;
  /** Evaluates the question being typed after a pause, as the chat window's composer does. */
  draftChanged: (text: string, options: { modelLoaded: boolean; streaming: boolean }) => void;
};

/**
 * The page's own clipboard, where the host cannot read it (the web host): only when the browser
 * already allows it, so opening the popup never raises a permission prompt.
 */
async function readPageClipboard(): Promise<string | null> {
  try {
    const permission = await navigator.permissions.query({
      name: 'clipboard-read' as PermissionName,
    });
    if (permission.state !== 'granted') return null;
    return await navigator.clipboard.readText();
  } catch {
    return null;
  }
}

export function createQuickAskStore(api: Api) {
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  return createStore<QuickAskState>()((set, get) => ({
    context: [],
    preset: null,

    async readContext() {
      const fromHost = await api.quickAsk.context.query().catch(() => null);
      const clipboard = fromHost ? fromHost.clipboard : await readPageClipboard();
      const selection = fromHost?.selection ?? null;
      const context: QuickContext[] = [];
      if (selection !== null && selection.trim() !== '') {
        context.push({ kind: 'selection', text: selection });
      }
      // The selection is often what was just copied too: one chip, not the same text twice.
      if (clipboard !== null && clipboard.trim() !== '' && clipboard !== selection) {
        context.push({ kind: 'clipboard', text: clipboard });
      }
      set({ context });
    },

    removeContext: (kind) => set({ context: get().context.filter((item) => item.kind !== kind) }),
    setPreset: (preset) => set({ preset }),
    messageFor: (text) => quickQuestion(text, get().context),

    draftChanged(text, { modelLoaded, streaming }) {
      clearTimeout(draftTimer);
      if (text.trim() === '' || !modelLoaded || streaming) return;
      draftTimer = setTimeout(() => {
        // Only a head start: anything wrong with the question is reported when it is sent.
        api.quickAsk.prefill
          .mutate({ preset: get().preset, content: get().messageFor(text) })
          .catch(() => undefined);
      }, DRAFT_PAUSE_MS);
    },
  }));
}
