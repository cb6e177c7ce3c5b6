import type { SyncCredentials } from './ports';

/** A session's tokens (`Session` without the account fields). */
export type SessionTokens = {
  accessToken: string;
  /** Epoch ms after which the server refuses the access token. */
  accessTokenExpiresAt: number;
  refreshToken: string;
};

export type RefreshingSessionOptions = {
  tokens: SessionTokens;
  /** Exchanges the refresh token for new tokens (`account.refresh`; `refreshTokens` does it). */
  refresh: (refreshToken: string) => Promise<SessionTokens>;
  /**
   * Keeps each new set of tokens (in the platform's secret store). Awaited before the new
   * access token is used: a refresh token works once, so losing the new one ends the session.
   */
  onTokens: (tokens: SessionTokens) => void | Promise<void>;
  now?: () => number;
  /** How long before expiry the access token is replaced; a minute by default. */
  refreshBeforeMs?: number;
};

/**
 * Credentials over the protocol's tokens: the access token is refreshed before it expires, and
 * concurrent callers share one refresh (two would spend the single-use refresh token twice,
 * which the server takes as theft and answers by revoking the device).
 */
export function createRefreshingSession(options: RefreshingSessionOptions): SyncCredentials {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
  let tokens = options.tokens;
  let refreshing: Promise<void> | null = null;

  function renew(): Promise<void> {
    refreshing ??= (async () => {
      try {
        tokens = await options.refresh(tokens.refreshToken);
        await options.onTokens(tokens);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  return {
    async accessToken() {
      if (tokens.accessTokenExpiresAt - now() <= refreshBeforeMs) await renew();
      return tokens.accessToken;
    },
    renew,
  };
}
