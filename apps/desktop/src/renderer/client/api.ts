import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '../../api';
import { createIpcWebSocketClass } from '../../api/ipc/ipc-client-socket';
import type { IpcBridge } from '../../api/ipc/protocol';
import {
  API_WS_PATH,
  KEEP_ALIVE,
  tradeRunToken,
  type ApiConnectionParams,
} from '../../api/transport';

export type Api = TRPCClient<AppRouter>;

declare global {
  interface Window {
    /** The Electron preload's bridge; absent in a browser talking to the web host. */
    codeface?: IpcBridge;
  }
}

/**
 * One tRPC client over tRPC's WebSocket protocol, on one of two transports. In Electron the
 * protocol runs over the preload's IPC bridge; in a browser over a real WebSocket to the web
 * host, with this tab's secret in the connection parameters (`tabSecret`).
 */
export function createApi(): { api: Api; close: () => void } {
  const bridge = window.codeface;
  // A connection found dead is replaced; the answers it streamed resume where they were (0409).
  const keepAlive = { enabled: true, ...KEEP_ALIVE.client };
  const client = bridge
    ? createWSClient({
        url: 'ipc://codeface',
        WebSocket: createIpcWebSocketClass(bridge) as unknown as typeof WebSocket,
        keepAlive,
      })
    : createWSClient({
        url: webSocketUrl(window.location),
        connectionParams: tabConnection(),
        keepAlive,
      });
  return {
    api: createTRPCClient<AppRouter>({ links: [wsLink({ client })] }),
    close: () => client.close(),
  };
}

function webSocketUrl(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${API_WS_PATH}`;
}

const SECRET_KEY = 'codeface.tab-secret';

/**
 * This tab's secret for the web host (decision 0408). Opened with the printed link, the page
 * trades the link's token for a secret once, takes the token out of the address bar and keeps
 * the secret in sessionStorage, which belongs to this origin (port included) and this tab, so a
 * reload reconnects and no other server on 127.0.0.1 is ever sent anything.
 */
async function tabSecret(location: Location): Promise<string | null> {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return sessionStorage.getItem(SECRET_KEY);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  const secret = await tradeRunToken(location.origin, token);
  if (secret === null) sessionStorage.removeItem(SECRET_KEY);
  else sessionStorage.setItem(SECRET_KEY, secret);
  return secret;
}

/** The connection parameters of every (re)connect; a tab without a secret is told what to do. */
function tabConnection(): () => Promise<ApiConnectionParams> {
  const secret = tabSecret(window.location).catch(() => null);
  const page = crypto.randomUUID();
  return async () => {
    const value = await secret;
    if (value !== null) return { secret: value, page };
    showOpenWithLink();
    // Never connects: without a secret the host would only refuse, again at every retry.
    return new Promise<never>(() => undefined);
  };
}

function showOpenWithLink(): void {
  const note = document.createElement('p');
  note.setAttribute('role', 'alert');
  note.style.cssText = 'margin: 2rem; font: 16px system-ui, sans-serif';
  note.textContent =
    'Open CodeFace with the link printed by `codeface serve` (it carries the access token).';
  document.body.replaceChildren(note);
}

/** The readable message of a failed call (the API sends messages written for people). */
export function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'Something went wrong.';
}
