/**
 * How often the engine may try: exponential backoff with jitter after failures, and a token
 * bucket that lets bursts through at once but paces a steady stream of small syncs (a message
 * streamed for a minute) to what the server's per-account rate limit allows.
 */

export type BackoffPolicy = { baseMs: number; maxMs: number };

/**
 * The wait before retry number `attempt` (1 for the first): it doubles each time up to
 * `maxMs`, and is drawn from its upper half so that devices that failed together do not
 * come back together ("equal jitter").
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export type BucketPolicy = { burst: number; perSecond: number };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly policy: BucketPolicy,
    private readonly now: () => number,
  ) {
    this.tokens = policy.burst;
    this.updatedAt = now();
  }

  /** Takes a token and returns 0, or returns how many ms until one is there (taking none). */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(
      this.policy.burst,
      this.tokens + ((now - this.updatedAt) * this.policy.perSecond) / 1000,
    );
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.policy.perSecond);
  }
}
