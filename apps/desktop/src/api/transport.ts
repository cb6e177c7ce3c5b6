/**
 * Constants both ends of a transport agree on. No imports, so the renderer can use them too.
 */

/** The path of the app API's WebSocket on the web host (same origin as the page). */
export const API_WS_PATH = '/trpc';

/** The Electron IPC channel that carries tRPC messages between preload and main. */
export const API_IPC_CHANNEL = 'codeface:trpc';
