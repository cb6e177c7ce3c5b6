import type { Timers } from '../../src/engine/ports';

/** Timers that fire only when the test moves the clock, so no test waits for real time. */
export class ManualTimers implements Timers {
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  constructor(readonly clock: { now: number }) {}

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle;
    this.nextHandle += 1;
    this.pending.set(handle, { at: this.clock.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** The delays of the timers waiting now, soonest first. */
  waiting(): number[] {
    return [...this.pending.values()].map(({ at }) => at - this.clock.now).sort((a, b) => a - b);
  }

  /** Moves the clock on and runs each timer that came due, in order. */
  advance(ms: number): void {
    const until = this.clock.now + ms;
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, timer]) => timer.at <= until)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      this.pending.delete(due[0]);
      this.clock.now = Math.max(this.clock.now, due[1].at);
      due[1].callback();
    }
    this.clock.now = until;
  }
}
