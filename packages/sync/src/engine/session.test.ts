import { describe, expect, it } from 'vitest';
import { type SessionTokens, createRefreshingSession } from './session';

function tokens(n: number, expiresAt: number): SessionTokens {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: expiresAt,
    refreshToken: `refresh-${n}`,
  };
}

describe('createRefreshingSession', () => {
  it('refreshes a minute before expiry, keeping the new tokens before using them', async () => {
    let now = 0;
    const kept: SessionTokens[] = [];
    const spent: string[] = [];
    const session = createRefreshingSession({
      tokens: tokens(1, 120_000),
      refresh: async (refreshToken) => {
        spent.push(refreshToken);
        return tokens(spent.length + 1, now + 900_000);
      },
      onTokens: (next) => {
        kept.push(next);
      },
      now: () => now,
    });
    expect(await session.accessToken()).toBe('access-1');
    now = 60_000;
    expect(await session.accessToken()).toBe('access-2');
    expect(spent).toEqual(['refresh-1']);
    expect(kept.map((t) => t.refreshToken)).toEqual(['refresh-2']);
  });

  it('spends the single-use refresh token once for concurrent callers', async () => {
    const spent: string[] = [];
    const session = createRefreshingSession({
      tokens: tokens(1, 0),
      refresh: async (refreshToken) => {
        spent.push(refreshToken);
        return tokens(2, Number.MAX_SAFE_INTEGER);
      },
      onTokens: () => undefined,
      now: () => 1,
    });
    expect(await Promise.all([session.accessToken(), session.accessToken()])).toEqual([
      'access-2',
      'access-2',
    ]);
    expect(spent).toEqual(['refresh-1']);
  });

  it('lets a failed refresh fail the caller, and tries again on the next call', async () => {
    let fail = true;
    const session = createRefreshingSession({
      tokens: tokens(1, Number.MAX_SAFE_INTEGER),
      refresh: async () => {
        if (fail) throw new Error('offline');
        return tokens(2, Number.MAX_SAFE_INTEGER);
      },
      onTokens: () => undefined,
    });
    await expect(session.renew()).rejects.toThrow('offline');
    fail = false;
    await session.renew();
    expect(await session.accessToken()).toBe('access-2');
  });
});
