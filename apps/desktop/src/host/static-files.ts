import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Resolves a URL path inside `root`, or undefined when it would step outside it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep)
    ? full
    : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built renderer. Paths that name no file get index.html, so a reload on any
 * in-app route still opens the app; hashed assets are cached for good, the page never.
 */
export async function serveStatic(
  response: ServerResponse,
  options: { root: string; urlPath: string; headers: Record<string, string> },
): Promise<void> {
  const requested = resolveInside(options.root, options.urlPath);
  if (requested === undefined) {
    response.writeHead(400, options.headers).end('Bad path');
    return;
  }
  const path = (await isFile(requested)) ? requested : join(options.root, 'index.html');
  if (!(await isFile(path))) {
    response
      .writeHead(503, { ...options.headers, 'content-type': 'text/plain; charset=utf-8' })
      .end('The app has not been built. Run `npm start` (it builds the renderer first).');
    return;
  }
  const isAsset = options.urlPath.startsWith('/assets/');
  response.writeHead(200, {
    ...options.headers,
    'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  createReadStream(path).pipe(response);
}
