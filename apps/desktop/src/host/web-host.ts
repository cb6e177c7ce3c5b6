import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import { appRouter } from '../api';
import type { ApiContext, ConnectionContext } from '../api/context';
import type { TabPage } from '../api/services/generation-service';
import { API_SESSION_PATH, API_WS_PATH, KEEP_ALIVE } from '../api/transport';
import { HostCredentials, verifyRequest } from './auth';
import { serveStatic } from './static-files';

/** The WebSocket close code a browser sends when its page closes, reloads or navigates. */
const GOING_AWAY = 1001;

export type WebHostOptions = {
  /** The API's context for one connection, given how to wait for its socket to flush. */
  context: (connection: ConnectionContext) => ApiContext;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
};

export type WebHost = {
  /** The URL to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
};

function securityHeaders(port: number): Record<string, string> {
  const self = `127.0.0.1:${port} localhost:${port}`;
  return {
    'content-security-policy': [
      "default-src 'self'",
      // Shiki's highlighter runs WebAssembly; nothing else is evaluated.
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self' ${self
        .split(' ')
        .map((host) => `ws://${host}`)
        .join(' ')}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    // No Cross-Origin-Opener-Policy: it moves the page into a new renderer process on load, a
    // tenth of a second before the first paint, and guards nothing the token does not (0401).
  };
}

/** Resolves once the socket has handed what it was given to the OS, or has closed. */
function flushed(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (socket.bufferedAmount === 0 || socket.readyState !== socket.OPEN) resolve();
      else setImmediate(check);
    };
    check();
  });
}

function refuseUpgrade(socket: Duplex, status: 403 | 404): void {
  const text = { 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * `codeface serve`: the built renderer and the app API over WebSocket, on 127.0.0.1 only, for
 * the tabs that traded this run's token for a secret. The same router as the Electron app,
 * another transport.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  let origins: string[] = [];
  let headers: Record<string, string> = {};
  const credentials = new HostCredentials(options.token, randomBytes);

  const handleRequest = (request: IncomingMessage, response: ServerResponse) => {
    const verdict = verifyRequest(request, { origins });
    if (!verdict.ok) {
      response
        .writeHead(verdict.status, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
        .end('Forbidden.');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === API_SESSION_PATH && request.method === 'POST') {
      const secret = credentials.trade(request.headers.authorization);
      const json = { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' };
      if (secret === undefined) {
        response.writeHead(401, json).end(JSON.stringify({ error: 'wrong or missing token' }));
      } else {
        response.writeHead(200, json).end(JSON.stringify({ secret }));
      }
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, headers).end();
      return;
    }
    void serveStatic(response, { root: options.rendererDir, urlPath: url.pathname, headers });
  };

  const server = createServer(handleRequest);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  // Each socket's end by a page that went away, watched before tRPC's handler sees the socket,
  // so the close code is known when that handler ends the socket's subscriptions.
  const pagesGone = new WeakMap<object, Promise<void>>();
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ res, info }) => {
      // Thrown here, the refusal reaches the client and the socket closes (tRPC's adapter).
      if (!credentials.accepts(info.connectionParams)) {
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message:
            'Open CodeFace with the link printed by `codeface serve` (it carries the access token).',
        });
      }
      return options.context({
        transportReady: () => flushed(res),
        // A tab that closes and a network that drops look the same from here: either way an
        // answer waits a while for the client to reconnect and resume it.
        connectionLost: () => res.readyState !== res.OPEN,
        connectionLeft: pagesGone.get(res),
        page: tabPageOf(info.connectionParams),
      });
    },
    // A page whose main thread stays busy past the wait is cut off and reconnects; an answer it
    // was following goes on where it was (0409).
    keepAlive: { enabled: true, ...KEEP_ALIVE.server },
  });

  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== API_WS_PATH) return refuseUpgrade(socket, 404);
    const verdict = verifyRequest(request, { origins });
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status);
    wss.handleUpgrade(request, socket, head, (ws) => {
      pagesGone.set(
        ws,
        new Promise((resolve) => {
          ws.once('close', (code) => {
            if (code === GOING_AWAY) resolve();
          });
        }),
      );
      wss.emit('connection', ws, request);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  headers = securityHeaders(port);

  return {
    url: `http://127.0.0.1:${port}/?token=${options.token}`,
    port,
    async close() {
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A page's connection parameters past the secret check; an old page without an id has none. */
const pageParams = z.object({ secret: z.string(), page: z.string().min(1).max(100) });

function tabPageOf(connectionParams: unknown): TabPage | undefined {
  const parsed = pageParams.safeParse(connectionParams);
  return parsed.success ? { tab: parsed.data.secret, id: parsed.data.page } : undefined;
}
