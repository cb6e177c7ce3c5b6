import type { EngineEvent } from '../engine/types';

/**
 * Streams deltas as tokens come, without a fixed delay: a delta is sent at once
 * when the previous one has left the process, and text that arrives while one is
 * in flight is coalesced into the next.
 */
export class DeltaStream {
  private text = '';
  private tokens = 0;
  private inFlight = false;
  private pendingDone: EngineEvent | undefined;

  constructor(private readonly sendEvent: (event: EngineEvent, onSent: () => void) => void) {}

  countTokens(count: number): void {
    this.tokens += count;
  }

  pushText(text: string): void {
    this.text += text;
    this.flush();
  }

  finish(done: EngineEvent): void {
    this.pendingDone = done;
    this.flush();
  }

  private flush(): void {
    if (this.inFlight) return;
    if (this.text.length > 0) {
      const event: EngineEvent = { type: 'delta', text: this.text, tokens: this.tokens };
      this.text = '';
      this.tokens = 0;
      this.inFlight = true;
      this.sendEvent(event, () => {
        this.inFlight = false;
        this.flush();
      });
      return;
    }
    if (this.pendingDone) {
      const done = this.pendingDone;
      this.pendingDone = undefined;
      this.sendEvent(done, () => undefined);
    }
  }
}
