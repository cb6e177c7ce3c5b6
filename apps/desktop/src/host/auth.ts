import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the run's token after the first page load. */
export const TOKEN_COOKIE = 'codeface_token';

/** A fresh token for one run of the host: 32 random bytes, URL-safe. */
export function createRunToken(randomBytes: (size: number) => Buffer): string {
  return randomBytes(32).toString('base64url');
}

function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export type RequestVerdict =
  { ok: true; tokenFrom: 'query' | 'cookie' } | { ok: false; status: 403 | 401; reason: string };

/**
 * Decides whether a request may reach the app. The host answers only on 127.0.0.1, but any web
 * page the person has open can still talk to loopback, so three checks apply: the Host header
 * must name this host (DNS rebinding), a browser-sent Origin must be this host's own, and the
 * run's token must come with the request (in the URL, or in the cookie set on first load).
 */
export function verifyRequest(
  request: IncomingMessage,
  expected: { token: string; origins: readonly string[] },
): RequestVerdict {
  const host = request.headers.host;
  if (host === undefined || !expected.origins.includes(`http://${host}`)) {
    return { ok: false, status: 403, reason: 'unknown host' };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !expected.origins.includes(origin)) {
    return { ok: false, status: 403, reason: 'foreign origin' };
  }
  const url = new URL(request.url ?? '/', `http://${host}`);
  if (sameToken(expected.token, url.searchParams.get('token') ?? undefined)) {
    return { ok: true, tokenFrom: 'query' };
  }
  if (sameToken(expected.token, cookieValue(request.headers.cookie, TOKEN_COOKIE))) {
    return { ok: true, tokenFrom: 'cookie' };
  }
  return { ok: false, status: 401, reason: 'missing or wrong token' };
}
