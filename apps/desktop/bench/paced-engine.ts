import { estimateTokenCount } from '@codeface/inference';
import type { ChatMessage, Engine, EngineEvent, EngineInfo, TokenCount } from '@codeface/inference';

/**
 * An engine that writes numbered words at a steady pace, for measuring the app's own path
 * (API → WebSocket → renderer → paint) apart from any model. It records when each delta left
 * it, on the same clock the page uses (epoch milliseconds with sub-millisecond precision).
 */
export class PacedEngine implements Engine {
  readonly sentAt: number[] = [];
  private loaded: string | null = null;

  constructor(private readonly options: { tokens: number; intervalMs: number }) {}

  load(model: { id: string }): Promise<void> {
    this.loaded = model.id;
    return Promise.resolve();
  }
  unload(): Promise<void> {
    this.loaded = null;
    return Promise.resolve();
  }
  async *chat(
    _messages: unknown,
    _params?: unknown,
    signal?: AbortSignal,
  ): AsyncGenerator<EngineEvent> {
    this.sentAt.length = 0;
    const start = performance.now();
    for (let index = 0; index < this.options.tokens && !signal?.aborted; index++) {
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
      this.sentAt.push(performance.timeOrigin + performance.now());
      yield { type: 'delta', text: `w${index} `, tokens: 1 };
    }
    const seconds = (performance.now() - start) / 1000;
    yield {
      type: 'done',
      tokens: this.sentAt.length,
      ttftMs: this.options.intervalMs,
      tokensPerSecond: this.sentAt.length / seconds,
      promptTokens: 1,
      reusedTokens: 0,
      restoredTokens: 0,
      stopReason: signal?.aborted ? 'aborted' : 'max-tokens',
    };
  }
  /** Writes without a prompt: nothing to evaluate ahead. */
  prefill(): Promise<number> {
    return Promise.resolve(0);
  }
  /** It has no tokenizer: the documented estimate, as for a remote model. */
  countTokens(messages: ChatMessage[]): Promise<TokenCount> {
    return Promise.resolve(estimateTokenCount(messages));
  }
  embed(): Promise<number[][]> {
    return Promise.resolve([]);
  }
  info(): Promise<EngineInfo> {
    return Promise.resolve({
      engine: 'llama.cpp',
      backend: 'cpu',
      gpuName: null,
      vramTotalBytes: null,
      vramFreeBytes: null,
      model: this.loaded === null ? null : { id: this.loaded },
      contextSize: this.loaded === null ? null : 4096,
      cpus: null,
      weightMemory: null,
      savedStates: null,
    });
  }
  /** Keeps no model state. */
  manageSavedStates(): Promise<null> {
    return Promise.resolve(null);
  }
  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
