import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { API_SESSION_PATH, API_WS_PATH } from '../src/api/transport';
import { connectClient, removeTestHost, startTestHost } from './support/test-host';
import type { TestHost } from './support/test-host';

type Reply = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

function get(host: TestHost, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return send(host, { method: 'GET', path, headers });
}

function post(host: TestHost, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return send(host, { method: 'POST', path, headers });
}

function send(
  host: TestHost,
  { method, path, headers }: { method: string; path: string; headers: Record<string, string> },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        method,
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
function handshake(host: TestHost, options: { origin?: string; path?: string }): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? API_WS_PATH}`, {
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
  }, 30_000);

  it('listens on loopback only', () => {
    expect(new URL(host.url).hostname).toBe('127.0.0.1');
  });

  it('serves the page, which carries no data, with a strict CSP and no cookie', async () => {
    for (const path of ['/', `/?token=${host.token}`]) {
      const page = await get(host, path);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>CodeFace</title>');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('trades only the run token for a tab secret, never from another origin', async () => {
    expect((await post(host, API_SESSION_PATH)).status).toBe(401);
    const wrong = `Bearer ${'x'.repeat(host.token.length)}`;
    expect((await post(host, API_SESSION_PATH, { authorization: wrong })).status).toBe(401);
    const foreign = await post(host, API_SESSION_PATH, {
      authorization: `Bearer ${host.token}`,
      origin: 'http://127.0.0.1:1',
    });
    expect(foreign.status).toBe(403);
    const traded = await post(host, API_SESSION_PATH, { authorization: `Bearer ${host.token}` });
    expect(traded.status).toBe(200);
    expect(traded.headers['cache-control']).toBe('no-store');
    expect(traded.headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(traded.body)).toEqual({ secret: expect.stringMatching(/^[\w-]{43}$/) });
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    const reply = await get(host, '/', { host: `evil.example:${host.port}` });
    expect(reply.status).toBe(403);
  });

  it('refuses a path that climbs out of the app folder', async () => {
    const climbed = await get(host, '/..%2f..%2f..%2fetc%2fpasswd');
    expect(climbed.status).toBe(400);
  });

  it('opens the API socket only from its own origin', async () => {
    expect(await handshake(host, { origin: 'https://evil.example' })).toBe(403);
    expect(await handshake(host, { origin: host.origin, path: '/other' })).toBe(404);
    expect(await handshake(host, { origin: host.origin })).toBe(101);
  });

  it('answers API calls only with a tab secret in the connection parameters', async () => {
    for (const secret of ['', host.token, 'x'.repeat(43)]) {
      const refused = connectClient(host, { secret });
      try {
        const error = await refused.api.chats.list.query().then(
          () => undefined,
          (cause: unknown) => cause,
        );
        // The host refuses the connection and closes it; the call fails instead of answering.
        expect(error).toBeInstanceOf(Error);
      } finally {
        await refused.close();
      }
    }
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
