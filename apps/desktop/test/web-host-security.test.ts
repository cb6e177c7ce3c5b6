import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectClient, removeTestHost, startTestHost } from './support/test-host';
import type { TestHost } from './support/test-host';

type Reply = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

function get(host: TestHost, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        headers: { host: `127.0.0.1:${host.port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a raw WebSocket and reports the HTTP status of a refused handshake, or 101. */
function handshake(
  host: TestHost,
  options: { token?: string; origin?: string; path?: string },
): Promise<number> {
  const query = options.token === undefined ? '' : `?token=${options.token}`;
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? '/trpc'}${query}`, {
    origin: options.origin,
  });
  return new Promise((resolve) => {
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

describe('web host access', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  }, 60_000);
  afterAll(async () => {
    await removeTestHost(host);
  });

  it('listens on loopback only', () => {
    expect(new URL(host.url).hostname).toBe('127.0.0.1');
  });

  it('refuses the page without the token or with a wrong one', async () => {
    expect((await get(host, '/')).status).toBe(401);
    expect((await get(host, `/?token=${'x'.repeat(host.token.length)}`)).status).toBe(401);
    expect((await get(host, '/assets/app.js')).status).toBe(401);
  });

  it('trades the token in the link for an HttpOnly cookie, then serves the app with a strict CSP', async () => {
    const first = await get(host, `/?token=${host.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get(host, '/', { cookie: cookie.split(';')[0] ?? '' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>CodeFace</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    const reply = await get(host, `/?token=${host.token}`, { host: `evil.example:${host.port}` });
    expect(reply.status).toBe(403);
  });

  it('refuses a path that climbs out of the app folder', async () => {
    const reply = await get(host, `/..%2f..%2fetc%2fpasswd?token=${host.token}`);
    expect([303, 400]).toContain(reply.status);
    const cookie = `codeface_token=${host.token}`;
    const climbed = await get(host, '/..%2f..%2f..%2fetc%2fpasswd', { cookie });
    expect(climbed.status).toBe(400);
  });

  it('accepts the API socket only with the token and from its own origin', async () => {
    expect(await handshake(host, { origin: host.origin })).toBe(401);
    expect(await handshake(host, { token: 'wrong', origin: host.origin })).toBe(401);
    expect(await handshake(host, { token: host.token, origin: 'https://evil.example' })).toBe(403);
    expect(await handshake(host, { token: host.token, origin: host.origin, path: '/other' })).toBe(
      404,
    );
    expect(await handshake(host, { token: host.token, origin: host.origin })).toBe(101);
  });

  it('answers API calls over the accepted socket', async () => {
    const client = connectClient(host);
    try {
      expect(await client.api.chats.list.query()).toEqual([]);
      expect((await client.api.platform.info.query()).kind).toBe('web');
    } finally {
      await client.close();
    }
  });
});
