import { toAppError } from '../to-app-error';
import type { SearchHit } from '../schemas';

/** Turns text into vectors (the inference package's TransformersEngine in the app). */
export interface Embedder {
  /** Identifies the model: vectors of different models are never compared. */
  readonly modelId: string;
  embed(texts: string[]): Promise<number[][]>;
}

/** What the index needs from the store. */
export interface EmbeddingStore {
  /** Messages with text and no vector for this model yet, newest first. */
  missing(model: string, limit: number): { messageId: string; content: string }[];
  put(input: { messageId: string; model: string; vector: number[] }): void;
  hybridSearch(
    query: string,
    options: { vector?: number[]; model?: string; chatId?: string; limit: number },
  ): (SearchHit & {
    matchedBy: ('text' | 'semantic')[];
    /** Cosine distance to the query (0 = same direction) when found by meaning, else null. */
    distance: number | null;
  })[];
}

export type IndexStatus = {
  /** False when no embedding model is configured: search is full-text only. */
  available: boolean;
  state: 'idle' | 'indexing' | 'paused';
  indexedThisRun: number;
  /** Messages still waiting (counted up to `PENDING_CAP`). */
  pending: number;
  /** Why the last run stopped early, if it did. */
  error: string | null;
};

const BATCH = 16;
const PENDING_CAP = 10_000;

/**
 * Embeds messages in the background for semantic search, a batch at a time, and stops while a
 * model is generating so that the answer gets the CPU. It runs when poked (start-up, a turn
 * finished, generation ended) and goes idle when nothing is missing.
 */
export class SemanticIndex {
  private paused = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private indexedThisRun = 0;
  private lastError: string | null = null;
  private readonly listeners = new Set<(status: IndexStatus) => void>();

  constructor(private readonly deps: { store: EmbeddingStore; embedder: Embedder | null }) {}

  status(): IndexStatus {
    const embedder = this.deps.embedder;
    if (embedder === null)
      return { available: false, state: 'idle', indexedThisRun: 0, pending: 0, error: null };
    return {
      available: true,
      state: this.paused ? 'paused' : this.running ? 'indexing' : 'idle',
      indexedThisRun: this.indexedThisRun,
      pending: this.deps.store.missing(embedder.modelId, PENDING_CAP).length,
      error: this.lastError,
    };
  }

  onStatus(listener: (status: IndexStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Generation started (true) or ended (false). */
  setGenerating(generating: boolean): void {
    this.paused = generating;
    this.publish();
    if (!generating) this.poke();
  }

  /** Starts indexing if there may be work and it is not already running. */
  poke(): void {
    if (this.deps.embedder === null || this.paused || this.closed || this.running) return;
    this.running = this.drain()
      .catch((error: unknown) => {
        this.lastError = toAppError(error).message;
      })
      .finally(() => {
        this.running = null;
        if (!this.closed) this.publish();
      });
    this.publish();
  }

  /** Stops indexing for good and waits for the batch in progress (before the store closes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  /** Hybrid search: full-text and (when available) semantic candidates fused by rank. */
  async search(query: { text: string; chatId?: string; limit: number }) {
    const embedder = this.deps.embedder;
    const vector = embedder === null ? undefined : (await embedder.embed([query.text]))[0];
    return this.deps.store.hybridSearch(query.text, {
      vector,
      model: embedder?.modelId,
      chatId: query.chatId,
      limit: query.limit,
    });
  }

  private async drain(): Promise<void> {
    const embedder = this.deps.embedder;
    if (embedder === null) return;
    while (!this.paused && !this.closed) {
      const batch = this.deps.store.missing(embedder.modelId, BATCH);
      if (batch.length === 0) return;
      let vectors: number[][];
      try {
        vectors = await embedder.embed(batch.map((message) => message.content));
      } catch (error) {
        // The next poke tries again; a broken model must not spin.
        this.lastError = toAppError(error).message;
        return;
      }
      if (this.closed) return;
      batch.forEach((message, index) => {
        const vector = vectors[index];
        if (vector)
          this.deps.store.put({ messageId: message.messageId, model: embedder.modelId, vector });
      });
      this.lastError = null;
      this.indexedThisRun += batch.length;
      this.publish();
    }
  }

  private publish(): void {
    if (this.listeners.size === 0) return;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}
