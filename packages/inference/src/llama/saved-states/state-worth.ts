/**
 * Whether a chat's state is worth a file (0208): reading it back must be predicted faster than
 * evaluating its tokens again. The speeds are this model process's own, measured as it works;
 * the defaults stand only until the first measurement of each.
 */

import type { SavedStatesSettings } from '../../engine/types';

const MiB = 1024 * 1024;

/**
 * Before this process has evaluated a prompt: a CPU running a 7B model. Low on purpose: the
 * first state read after a restart happens before any evaluation, and a slow guess loads it.
 */
export const DEFAULT_PREFILL_TOKENS_PER_SECOND = 200;
/** Before a state has been read back: an SSD. */
export const DEFAULT_STATE_READ_BYTES_PER_SECOND = 500 * MiB;
/**
 * What reading a state file costs apart from its bytes: its record, the checksum pass, the
 * renames, llama.cpp's own set-up. A few milliseconds on an SSD; it is what makes a short chat
 * cheaper to evaluate again than to read.
 */
export const STATE_FILE_MS = 5;
/** A prompt shorter than this says more about per-call overhead than about prefill speed. */
const MIN_MEASURED_TOKENS = 16;

export type StateSpeeds = {
  prefillTokensPerSecond: number;
  readBytesPerSecond: number;
  /** The state's bytes per token of this context; null before the first state is written. */
  bytesPerToken: number | null;
};

/**
 * True when reading a state of `bytes` (predicted from the bytes per token when not given) is
 * predicted faster than evaluating its `tokens` again.
 */
export function worthAFile(options: {
  tokens: number;
  bytes?: number;
  speeds: StateSpeeds;
}): boolean {
  const { tokens, speeds } = options;
  const bytes = options.bytes ?? tokens * (speeds.bytesPerToken ?? 0);
  const prefillMs = (tokens * 1000) / speeds.prefillTokensPerSecond;
  const readMs = STATE_FILE_MS + (bytes * 1000) / speeds.readBytesPerSecond;
  return readMs < prefillMs;
}

/** The speeds a person (or a test) holds the rule to; measurements do not move them. */
export type PinnedSpeeds = NonNullable<SavedStatesSettings['speeds']>;

/**
 * This process's speeds: the latest measurement of each, the default until there is one; a
 * pinned speed stays as given.
 */
export class StateSpeedMeter {
  private readonly speeds: StateSpeeds;

  constructor(private readonly pinned: PinnedSpeeds = {}) {
    this.speeds = {
      prefillTokensPerSecond: pinned.prefillTokensPerSecond ?? DEFAULT_PREFILL_TOKENS_PER_SECOND,
      readBytesPerSecond: pinned.readBytesPerSecond ?? DEFAULT_STATE_READ_BYTES_PER_SECOND,
      bytesPerToken: null,
    };
  }

  current(): StateSpeeds {
    return { ...this.speeds };
  }

  /** `tokens` of a prompt evaluated in `ms`. */
  notePrefill(tokens: number, ms: number): void {
    if (
      this.pinned.prefillTokensPerSecond === undefined &&
      tokens >= MIN_MEASURED_TOKENS &&
      ms > 0
    ) {
      this.speeds.prefillTokensPerSecond = (tokens * 1000) / ms;
    }
  }

  /** A state of `tokens` written as `bytes`: the size the next ones are predicted from. */
  noteWrite(tokens: number, bytes: number): void {
    if (tokens > 0) this.speeds.bytesPerToken = bytes / tokens;
  }

  /** A state of `bytes` read back (checked and loaded) in `ms`. */
  noteRead(bytes: number, ms: number): void {
    const readingMs = ms - STATE_FILE_MS;
    if (this.pinned.readBytesPerSecond !== undefined) return;
    if (bytes > 0 && readingMs > 0) this.speeds.readBytesPerSecond = (bytes * 1000) / readingMs;
  }
}
