import type { FailStreamingInput, GenerationStats, Message } from './schemas';

/** The writes a `StreamingWriter` makes; the message repository provides them. */
export type StreamingTarget = {
  updateStreaming: (id: string, content: string) => Message;
  finishStreaming: (id: string, final?: { content?: string } & Partial<GenerationStats>) => Message;
  failStreaming: (id: string, input: FailStreamingInput) => Message;
};

export type Timers = {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending flush must not keep a process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type StreamingWriterOptions = {
  /** Least time between two writes of the growing text; 100 ms by default. */
  flushIntervalMs?: number;
  now?: () => number;
  timers?: Timers;
  /** Called after each committed write of the text, e.g. to acknowledge it. */
  onFlush?: (message: Message) => void;
  /** Receives errors of timed flushes; without it they are thrown by the writer's next call. */
  onError?: (error: unknown) => void;
};

/**
 * Buffers the text of a message being generated and writes it at most once per flush interval,
 * so a model producing hundreds of tokens a second costs ten small transactions a second (each
 * one row update, one FTS update and one change), not hundreds. The last text is always written
 * by `finish` or `fail`.
 */
export class StreamingWriter {
  readonly messageId: string;
  private text: string;
  private written: string;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private closed = false;
  private readonly target: StreamingTarget;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly onFlush: ((message: Message) => void) | undefined;
  private readonly onError: ((error: unknown) => void) | undefined;
  private failedFlush: unknown = undefined;

  constructor(target: StreamingTarget, message: Message, options: StreamingWriterOptions = {}) {
    this.target = target;
    this.messageId = message.id;
    this.text = message.content;
    this.written = message.content;
    this.intervalMs = options.flushIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? defaultTimers;
    this.onFlush = options.onFlush;
    this.onError = options.onError;
  }

  /** The full text so far, written or not. */
  get content(): string {
    return this.text;
  }

  append(delta: string): void {
    this.setContent(this.text + delta);
  }

  setContent(text: string): void {
    this.assertOpen();
    this.text = text;
    if (this.timer !== null || text === this.written) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - this.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      try {
        this.flush();
      } catch (error) {
        // Without a handler the error surfaces from the writer's next call instead of crashing
        // the process from a timer.
        if (this.onError === undefined) this.failedFlush = error;
        else this.onError(error);
      }
    }, wait);
  }

  /** Writes the buffered text now if it changed since the last write. */
  flush(): void {
    if (this.closed || this.text === this.written) return;
    this.cancelTimer();
    const text = this.text;
    const message = this.target.updateStreaming(this.messageId, text);
    this.written = text;
    this.lastWriteAt = this.now();
    this.onFlush?.(message);
  }

  finish(stats: Partial<GenerationStats> = {}): Message {
    this.assertOpen();
    this.close();
    return this.target.finishStreaming(this.messageId, { ...stats, content: this.text });
  }

  /**
   * Ends the message as `error`, or `interrupted` when the user stopped it; the text is kept, and
   * the figures of what was generated when they are given.
   */
  fail(input: Omit<FailStreamingInput, 'content'>): Message {
    this.assertOpen();
    this.close();
    return this.target.failStreaming(this.messageId, { ...input, content: this.text });
  }

  private close(): void {
    this.cancelTimer();
    this.closed = true;
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private assertOpen(): void {
    if (this.failedFlush !== undefined) {
      const error = this.failedFlush;
      this.failedFlush = undefined;
      throw error;
    }
    if (this.closed) throw new Error(`The streaming writer for ${this.messageId} is closed.`);
  }
}
