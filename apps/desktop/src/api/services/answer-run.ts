import type { GenerationEvent } from '../schemas';

type Started = Extract<GenerationEvent, { type: 'started' }>;
type Ending = Extract<GenerationEvent, { type: 'done' | 'error' }>;

/** An event of one answer with the id a client resumes after (tRPC's `tracked`). */
export type NumberedEvent = { id: string; event: GenerationEvent };

/**
 * Where a client that saw the event with this id resumes: the answer, and how much of its
 * new text it has (`ended` once it saw the last event). Ids are `<answer id>:<characters>` and
 * `<answer id>:end`, so resuming needs nothing but the answer itself. Null for an id this
 * server never gave out.
 */
export function resumePoint(eventId: string): { messageId: string; seen: number | 'ended' } | null {
  const colon = eventId.lastIndexOf(':');
  if (colon <= 0) return null;
  const messageId = eventId.slice(0, colon);
  const position = eventId.slice(colon + 1);
  if (position === 'end') return { messageId, seen: 'ended' };
  return /^\d{1,9}$/.test(position) ? { messageId, seen: Number(position) } : null;
}

/**
 * One answer being written, apart from the subscriptions that show it (0409). The engine's text
 * gathers here, and each subscriber is sent what it has not had yet: a subscriber that is slow
 * gets larger pieces, and one that reconnects after a dropped connection picks up at the
 * character where it was. Stopping it is the one way to stop the engine.
 */
export class AnswerRun {
  /** The text written in this run (a continued answer's earlier text is in `started`). */
  text = '';
  /** The last event (`done` or `error`) once the answer is saved. */
  ending: Ending | null = null;
  private readonly stopper = new AbortController();
  private wakers: (() => void)[] = [];
  private finished = false;
  private markSettled: () => void = () => undefined;
  /** Resolves once the answer's final state is saved, however it ended. */
  readonly settled = new Promise<void>((resolve) => {
    this.markSettled = resolve;
  });

  constructor(
    readonly started: Started,
    /** The engine cache it writes (the chat's id, or the quick ask's draft key). */
    readonly cacheKey: string,
  ) {}

  get messageId(): string {
    return this.started.assistantMessage.id;
  }

  get chatId(): string {
    return this.started.chatId;
  }

  /** Aborts the engine; the answer is then saved as interrupted with its figures. */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  /** Told to stop, and not yet saved. */
  get stopping(): boolean {
    return this.stopper.signal.aborted && !this.finished;
  }

  get writing(): boolean {
    return !this.finished;
  }

  stop(): void {
    this.stopper.abort();
    this.wake();
  }

  append(text: string): void {
    this.text += text;
    this.wake();
  }

  /** Called once the answer's final state is saved. */
  end(ending: Ending | null): void {
    this.ending = ending;
    this.finished = true;
    this.markSettled();
    this.wake();
  }

  /**
   * The events a subscriber has not had: `started` unless it resumes, then the text past
   * `seen` as one delta whenever the transport is `ready` for it, then the last event. Ends
   * without it when `signal` aborts or the run ended without one (the engine was stopped).
   */
  async *follow(options: {
    seen: number | 'ended' | null;
    signal: AbortSignal;
    ready?: () => Promise<void>;
  }): AsyncGenerator<NumberedEvent> {
    const { signal } = options;
    if (options.seen === 'ended') return;
    let cursor = options.seen ?? 0;
    if (options.seen === null) yield { id: `${this.messageId}:0`, event: this.started };
    for (;;) {
      if (signal.aborted) return;
      if (this.text.length > cursor) {
        await options.ready?.();
        if (signal.aborted) return;
        // Everything written while the transport was busy goes as one piece.
        const text = this.text.slice(cursor);
        cursor = this.text.length;
        yield { id: `${this.messageId}:${cursor}`, event: { type: 'delta', text } };
        continue;
      }
      if (this.finished) {
        if (this.ending) yield { id: `${this.messageId}:end`, event: this.ending };
        return;
      }
      await this.changed(signal);
    }
  }

  /** Resolves at the next change, or when `signal` aborts. */
  private changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wakers.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const waker of wakers) waker();
  }
}
