import { InputLookupTokenPredictor, LlamaChat } from 'node-llama-cpp';
import type { ChatWrapper, LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

export type SpeculativeMode = 'lookup' | 'none';

export type Slot = {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  speculative: SpeculativeMode;
  lastUsed: number;
  /** Created by this acquire: its sequence is empty, so a state saved on disk may fill it. */
  fresh: boolean;
  /** Tokens read back from the chat's saved state, until the chat's next answer reports them. */
  restoredTokens: number;
};

/** Called with a chat's sequence before the pool gives it up, to save its state (0208). */
export type BeforeRelease = (chatId: string, sequence: LlamaContextSequence) => Promise<void>;

/** Requests without a chat id share one slot, so a repeated system prompt is still reused. */
const SCRATCH_KEY = '\u0000scratch';

/**
 * One context sequence (and so one KV cache) per chat, so that a follow-up turn
 * evaluates only its new tokens. When the context has no sequence left, the chat
 * used least recently gives its sequence up, after `beforeRelease` has saved it.
 * Callers use one slot at a time.
 */
export class SequencePool {
  private readonly slots = new Map<string, Slot>();
  private tick = 0;

  /**
   * `chatWrapper` is resolved once per model: resolving it (matching the model's
   * template against the known ones) takes hundreds of milliseconds, which every
   * new chat would otherwise add to its time to first token.
   */
  constructor(
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
    private readonly beforeRelease: BeforeRelease = () => Promise.resolve(),
  ) {}

  async acquire(chatId: string | undefined, speculative: SpeculativeMode): Promise<Slot> {
    const key = chatId ?? SCRATCH_KEY;
    const existing = this.slots.get(key);
    if (existing && existing.speculative === speculative) {
      existing.lastUsed = ++this.tick;
      existing.fresh = false;
      return existing;
    }
    // A token predictor is fixed when a sequence is created, so switching modes costs this
    // chat its cache once (saved first, so it comes back from disk).
    if (existing) await this.release(key, { save: true });
    if (this.context.sequencesLeft === 0) await this.evictLeastRecentlyUsed();
    const sequence = this.context.getSequence({
      tokenPredictor: speculative === 'lookup' ? new InputLookupTokenPredictor() : undefined,
    });
    const slot: Slot = {
      sequence,
      chat: new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper }),
      speculative,
      lastUsed: ++this.tick,
      fresh: true,
      restoredTokens: 0,
    };
    this.slots.set(key, slot);
    return slot;
  }

  /** Saves every chat's state, most recently used first (the model is about to go). */
  async saveAll(): Promise<void> {
    for (const chatId of this.cachedChatIds()) {
      const slot = this.slots.get(chatId);
      if (slot) await this.beforeRelease(chatId, slot.sequence);
    }
  }

  /** Gives up these chats' sequences without saving them (the chats were deleted). */
  drop(chatIds: readonly string[]): void {
    for (const chatId of chatIds) void this.release(chatId, { save: false });
  }

  /** Chats currently holding a KV cache, most recently used first. */
  cachedChatIds(): string[] {
    return [...this.slots.entries()]
      .filter(([key]) => key !== SCRATCH_KEY)
      .sort(([, a], [, b]) => b.lastUsed - a.lastUsed)
      .map(([key]) => key);
  }

  dispose(): void {
    for (const key of [...this.slots.keys()]) void this.release(key, { save: false });
  }

  private async evictLeastRecentlyUsed(): Promise<void> {
    let oldest: string | undefined;
    let oldestTick = Infinity;
    for (const [key, slot] of this.slots) {
      if (slot.lastUsed < oldestTick) {
        oldest = key;
        oldestTick = slot.lastUsed;
      }
    }
    if (oldest !== undefined) await this.release(oldest, { save: true });
  }

  private async release(key: string, options: { save: boolean }): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    // A failed save costs only the saving: the chat evaluates its prompt again when it returns.
    if (options.save && key !== SCRATCH_KEY) {
      await this.beforeRelease(key, slot.sequence).catch(() => undefined);
    }
    slot.chat.dispose({ disposeSequence: true });
  }
}
