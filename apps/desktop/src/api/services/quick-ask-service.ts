import type { HotkeyStatus, Platform, QuickAskContext } from '../platform';
import type { GenerationService } from './generation-service';

/** The most of the clipboard or selection a quick question takes along. */
export const MAX_CONTEXT_CHARS = 100_000;

const clip = (text: string | null): string | null =>
  text === null || text.trim() === '' ? null : text.slice(0, MAX_CONTEXT_CHARS);

/** What the quick-ask popup needs beyond a normal chat: its hotkey, its context, its draft. */
export class QuickAskService {
  constructor(private readonly deps: { platform: Platform; generation: GenerationService }) {}

  hotkeyStatus(): HotkeyStatus {
    return this.deps.platform.hotkey.status();
  }

  /** The clipboard and selection as the host reads them; null where the page must read them. */
  async context(): Promise<QuickAskContext | null> {
    const context = await this.deps.platform.readQuickAskContext();
    if (context === null) return null;
    return { clipboard: clip(context.clipboard), selection: clip(context.selection) };
  }

  prefill(input: { preset: string | null; content: string }): Promise<number> {
    return this.deps.generation.prefillQuickAsk(input);
  }
}
