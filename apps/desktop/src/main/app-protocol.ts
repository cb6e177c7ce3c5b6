import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Protocol } from 'electron';
import { resolveInside } from '../host/static-files';
import { APP_ORIGIN } from './security';

/**
 * The policy of every `app://` response: scripts only from the app itself (WebAssembly for the
 * highlighter), no connections at all (the API runs over IPC), no plugins, no base URL, no
 * framing, no forms. Inline styles are allowed: the theme is a stylesheet the page writes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

const securityHeaders = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
};

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Answers `app://codeface/...` from the built renderer. Every response, errors included, carries
 * the CSP; a path outside the folder is refused, and one that names no file gets the app's page.
 */
export function createAppProtocolHandler(
  rendererDir: string,
): (request: Request) => Promise<Response> {
  const respond = (body: BodyInit | null, status: number, type: string) =>
    new Response(body, { status, headers: { ...securityHeaders, 'content-type': type } });
  return async (request) => {
    const url = new URL(request.url);
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN)
      return respond('Not found', 404, 'text/plain');
    const path = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (path === undefined) return respond('Bad path', 400, 'text/plain');
    for (const candidate of [path, join(rendererDir, 'index.html')]) {
      try {
        const body = await readFile(candidate);
        const type = contentTypes[extname(candidate)] ?? 'application/octet-stream';
        return respond(body, 200, type);
      } catch {
        // Not a file: the next candidate is the app's page, for in-app routes.
      }
    }
    return respond('The app has not been built.', 503, 'text/plain');
  };
}

export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle('app', createAppProtocolHandler(rendererDir));
}
