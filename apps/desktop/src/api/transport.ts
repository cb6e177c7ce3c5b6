/**
 * Constants both ends of a transport agree on. No imports, so the renderer can use them too.
 */

/** The path of the app API's WebSocket on the web host (same origin as the page). */
export const API_WS_PATH = '/trpc';

/** The Electron IPC channel that carries tRPC messages between preload and main. */
export const API_IPC_CHANNEL = 'codeface:trpc';

/**
 * Where a page of the web host trades the run's token (from the link `codeface serve` prints)
 * for a secret of its own: `POST` with `authorization: Bearer <token>`, answered with
 * `{ "secret": "…" }`. The secret goes in the WebSocket's connection parameters (decision 0408).
 */
export const API_SESSION_PATH = '/session';

/**
 * The WebSocket connection parameters: the tab's secret, and the id its page drew when it loaded,
 * the same at every reconnect. A new id in a tab tells the host the earlier page is gone (0409).
 */
export type ApiConnectionParams = { secret: string; page: string };

/** Trades the run's token for a tab secret; null when the host refuses the token. */
export async function tradeRunToken(origin: string, token: string): Promise<string | null> {
  const response = await fetch(`${origin}${API_SESSION_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) return null;
  const body = (await response.json()) as { secret?: unknown };
  return typeof body.secret === 'string' ? body.secret : null;
}

/**
 * The web host's WebSocket keep-alive, both ends (tRPC's PING and PONG messages), so that a
 * connection that died without closing is found and replaced. An answer streaming over it is
 * resumed after the reconnect (decision 0409), so a page busy past a wait costs a reconnect,
 * never the answer.
 */
export const KEEP_ALIVE = {
  /** The client pings after this long without a message and reconnects if no PONG follows. */
  client: { intervalMs: 10_000, pongTimeoutMs: 5_000 },
  /** The server pings after this long without a message and closes if no answer follows. */
  server: { pingMs: 15_000, pongWaitMs: 10_000 },
} as const;
