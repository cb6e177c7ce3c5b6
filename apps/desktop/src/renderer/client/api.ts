import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '../../api';
import { createIpcWebSocketClass } from '../../api/ipc/ipc-client-socket';
import type { IpcBridge } from '../../api/ipc/protocol';
import { API_WS_PATH } from '../../api/transport';

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
 * host, which accepts it because loading the page set the run's token cookie on this origin.
 */
export function createApi(): { api: Api; close: () => void } {
  const bridge = window.codeface;
  const client = bridge
    ? createWSClient({
        url: 'ipc://codeface',
        WebSocket: createIpcWebSocketClass(bridge) as unknown as typeof WebSocket,
      })
    : createWSClient({ url: webSocketUrl(window.location) });
  return {
    api: createTRPCClient<AppRouter>({ links: [wsLink({ client })] }),
    close: () => client.close(),
  };
}

function webSocketUrl(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${protocol}//${location.host}${API_WS_PATH}${query}`;
}

/** The readable message of a failed call (the API sends messages written for people). */
export function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'Something went wrong.';
}
