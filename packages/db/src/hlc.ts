/**
 * A hybrid logical clock: wall-clock milliseconds plus a counter plus the node id. Timestamps
 * from one node only ever increase, even when the wall clock goes back, and a timestamp received
 * from another node moves the local clock past it, so causally later changes sort later.
 *
 * The string form is `<ISO-8601 millis>-<counter, 4 hex digits>-<node id>`, which sorts as text
 * in the same order as the timestamps themselves (ties broken by node id).
 */

export const HLC_MAX_COUNTER = 0xffff;
/** A remote timestamp more than this far ahead of our wall clock is refused. */
export const HLC_DEFAULT_MAX_DRIFT_MS = 5 * 60 * 1000;

export type HlcTimestamp = {
  readonly millis: number;
  readonly counter: number;
  readonly node: string;
};

export type ClockErrorCode = 'clock-drift' | 'counter-overflow' | 'invalid-timestamp';

export class ClockError extends Error {
  override readonly name = 'ClockError';
  constructor(
    readonly code: ClockErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TIMESTAMP_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4})-(.+)$/;

export function formatHlc(ts: HlcTimestamp): string {
  return `${new Date(ts.millis).toISOString()}-${ts.counter.toString(16).padStart(4, '0')}-${ts.node}`;
}

export function parseHlc(text: string): HlcTimestamp {
  const match = TIMESTAMP_PATTERN.exec(text);
  const [, iso, counter, node] = match ?? [];
  if (iso === undefined || counter === undefined || node === undefined) {
    throw new ClockError('invalid-timestamp', `Not a clock timestamp: "${text}".`, { text });
  }
  return { millis: Date.parse(iso), counter: parseInt(counter, 16), node };
}

export type HlcOptions = {
  node: string;
  now: () => number;
  maxDriftMs?: number;
  /** The last timestamp this node issued (e.g. read back from the change log on start). */
  last?: string;
};

export class HybridLogicalClock {
  private millis = 0;
  private counter = 0;
  private readonly node: string;
  private readonly now: () => number;
  private readonly maxDriftMs: number;

  constructor(options: HlcOptions) {
    if (options.node.length === 0 || options.node.includes('\n')) {
      throw new ClockError(
        'invalid-timestamp',
        'A clock node id must be non-empty and on one line.',
        { node: options.node },
      );
    }
    this.node = options.node;
    this.now = options.now;
    this.maxDriftMs = options.maxDriftMs ?? HLC_DEFAULT_MAX_DRIFT_MS;
    if (options.last !== undefined) {
      const last = parseHlc(options.last);
      this.millis = last.millis;
      this.counter = last.counter;
    }
  }

  /** A timestamp for a local event; strictly greater than every one issued or received before. */
  send(): string {
    const wall = this.now();
    if (wall > this.millis) {
      this.millis = wall;
      this.counter = 0;
    } else {
      this.counter = this.nextCounter(this.counter);
    }
    return formatHlc({ millis: this.millis, counter: this.counter, node: this.node });
  }

  /**
   * Merges a timestamp received from another node and returns a local timestamp after it. A
   * remote clock too far ahead of ours is refused rather than dragging every later local
   * timestamp into the future.
   */
  recv(remoteText: string): string {
    const remote = parseHlc(remoteText);
    const wall = this.now();
    if (remote.millis - wall > this.maxDriftMs) {
      throw new ClockError(
        'clock-drift',
        `A timestamp from another device is more than ${this.maxDriftMs} ms ahead of this clock.`,
        { remote: remoteText, wallMillis: wall, maxDriftMs: this.maxDriftMs },
      );
    }
    const millis = Math.max(wall, this.millis, remote.millis);
    let counter: number;
    if (millis === this.millis && millis === remote.millis) {
      counter = this.nextCounter(Math.max(this.counter, remote.counter));
    } else if (millis === this.millis) {
      counter = this.nextCounter(this.counter);
    } else if (millis === remote.millis) {
      counter = this.nextCounter(remote.counter);
    } else {
      counter = 0;
    }
    this.millis = millis;
    this.counter = counter;
    return formatHlc({ millis, counter, node: this.node });
  }

  private nextCounter(counter: number): number {
    if (counter >= HLC_MAX_COUNTER) {
      throw new ClockError(
        'counter-overflow',
        `More than ${HLC_MAX_COUNTER} clock events in one millisecond.`,
        { millis: this.millis, node: this.node },
      );
    }
    return counter + 1;
  }
}
