import type { RateLimits, WindowLimit } from '../config';
import { SyncServerError } from '../errors';
import type { AttemptCounter } from './attempt-counter';

/** How long an address where the account's password was given right stays known to it. */
const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60_000;

type LimitName = 'passwordPerAccountAndIp' | 'passwordPerAccount' | 'signUpPerIp';

/**
 * Limits on password guessing and account creation, applied where the password is checked,
 * whatever transport or headers the request came with. The account is the email (or the
 * caller's account for a password re-check), never a token's user.
 *
 * - Per account and address, tightly: one address gets a few guesses at one account.
 * - Per account, loosely, in tiers of growing windows: guesses spread over many addresses wait
 *   longer and longer (a minute, an hour, a day). An address where the password was given right
 *   before is exempt from these, so an attacker cannot lock the owner out.
 * - Sign-ups per address, more tightly than sign-ins.
 */
export function createAttemptLimits(options: {
  counter: AttemptCounter;
  limits: Pick<RateLimits, LimitName>;
  onRefused: (limit: LimitName) => void;
}) {
  const { counter, limits } = options;

  function refuse(
    limit: LimitName,
    window: WindowLimit & { resetInMs: number; who: string },
  ): never {
    const { resetInMs, who } = window;
    options.onRefused(limit);
    const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000));
    throw new SyncServerError(
      'rate-limited',
      `Too many ${who}: at most ${window.max} per ${Math.round(window.windowMs / 1000)} s (${limit}). Retry in ${retryAfter} s.`,
      { limit, max: window.max, retryAfter },
    );
  }

  return {
    /** Counts a password attempt on `account` from `ip`; throws `rate-limited` past a limit. */
    async passwordAttempt(account: string, ip: string): Promise<void> {
      const pair = limits.passwordPerAccountAndIp;
      const fromHere = await counter.hit(`password:${account}:${ip}`, pair.windowMs);
      if (fromHere.count > pair.max) {
        refuse('passwordPerAccountAndIp', {
          ...pair,
          resetInMs: fromHere.resetInMs,
          who: 'password attempts from this address',
        });
      }
      if ((await counter.count(`known:${account}:${ip}`)) > 0) return;
      // Every tier counts the attempt; the longest wait among those exceeded is the one to say.
      const tiers = await Promise.all(
        limits.passwordPerAccount.map(async (tier, index) => ({
          tier,
          ...(await counter.hit(`password:${account}:tier${index}`, tier.windowMs)),
        })),
      );
      const exceeded = tiers
        .filter(({ tier, count }) => count > tier.max)
        .sort((a, b) => b.resetInMs - a.resetInMs)[0];
      if (exceeded) {
        refuse('passwordPerAccount', {
          ...exceeded.tier,
          resetInMs: exceeded.resetInMs,
          who: 'password attempts on this account',
        });
      }
    },

    /** The password was right: this address starts afresh and is exempt from the account tiers. */
    async passwordAccepted(account: string, ip: string): Promise<void> {
      await counter.reset(`password:${account}:${ip}`);
      await counter.hit(`known:${account}:${ip}`, KNOWN_ADDRESS_MS);
    },

    async signUpAttempt(ip: string): Promise<void> {
      const limit = limits.signUpPerIp;
      const hit = await counter.hit(`signup:${ip}`, limit.windowMs);
      if (hit.count > limit.max)
        refuse('signUpPerIp', {
          ...limit,
          resetInMs: hit.resetInMs,
          who: 'sign-ups from this address',
        });
    },
  };
}
export type AttemptLimits = ReturnType<typeof createAttemptLimits>;
