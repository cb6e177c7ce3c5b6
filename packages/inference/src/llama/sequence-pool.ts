import { InputLookupTokenPredictor, LlamaChat } from 'node-llama-cpp';
import type { ChatWrapper, LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

export type SpeculativeMode = 'lookup' | 'none';

type Slot = {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  speculative: SpeculativeMode;
  lastUsed: number;
};

/** Requests without a chat id share one slot, so a repeated system prompt is still reused. */
const SCRATCH_KEY = '\u0000scratch';

/**
 * One context sequence (and so one KV cache) per chat, so that a follow-up turn
 * evaluates only its new tokens. When the context has no sequence left, the chat
 * used least recently gives its sequence up. Callers use one slot at a time.
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
  ) {}

  acquire(chatId: string | undefined, speculative: SpeculativeMode): Slot {
    const key = chatId ?? SCRATCH_KEY;
    const existing = this.slots.get(key);
    if (existing && existing.speculative === speculative) {
      existing.lastUsed = ++this.tick;
      return existing;
    }
    // A token predictor is fixed when a sequence is created, so switching modes
    // costs this chat its cache once.
    if (existing) this.release(key);
    if (this.context.sequencesLeft === 0) this.evictLeastRecentlyUsed();
    const sequence = this.context.getSequence({
      tokenPredictor: speculative === 'lookup' ? new InputLookupTokenPredictor() : undefined,
    });
    const slot: Slot = {
      sequence,
      chat: new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper }),
      speculative,
      lastUsed: ++this.tick,
    };
    this.slots.set(key, slot);
    return slot;
  }

  /** Chats currently holding a KV cache, most recently used first. */
  cachedChatIds(): string[] {
    return [...this.slots.entries()]
      .filter(([key]) => key !== SCRATCH_KEY)
      .sort(([, a], [, b]) => b.lastUsed - a.lastUsed)
      .map(([key]) => key);
  }

  dispose(): void {
    for (const key of [...this.slots.keys()]) this.release(key);
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: string | undefined;
    let oldestTick = Infinity;
    for (const [key, slot] of this.slots) {
      if (slot.lastUsed < oldestTick) {
        oldest = key;
        oldestTick = slot.lastUsed;
      }
    }
    if (oldest !== undefined) this.release(oldest);
  }

  private release(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    slot.chat.dispose({ disposeSequence: true });
  }
}
