import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigSchema, type ServerConfigInput } from '../src/config';
import type { SyncServer } from '../src/server';
import type { AppRouter } from '../src/trpc/app-router';
import { openTestBackend, type TestBackend } from './support/backend';
import {
  derivedSecret,
  httpClient,
  newPasswordInput,
  signUp,
  signUpInput,
  startServer,
  statusOf,
} from './support/harness';

const execFileAsync = promisify(execFile);

let backend: TestBackend;
let server: SyncServer;

beforeAll(async () => {
  backend = await openTestBackend();
  server = await startServer(backend, {
    config: { corsOrigins: ['https://app.codeface.test'] },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('rate limits', () => {
  it('answers 429 naming the limit once an IP address goes over it, and counts per IP', async () => {
    const limited = await startServer(backend, {
      config: { rateLimits: { perIp: 5, perAccount: 1000, windowMs: 60_000 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await fetch(`${limited.url}/trpc/meta.info`)).status);
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const refused = await fetch(`${limited.url}/trpc/meta.info`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({
        error: { data: { reason: 'rate-limited', limit: 'perIp' } },
      });
      // Probes are never limited, so an orchestrator never kills a busy instance.
      expect((await fetch(`${limited.url}/healthz`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('password guessing and sign-ups', () => {
  /** A server behind a trusted proxy, so that a test can speak from any address. */
  const behindProxy = (rateLimits: ServerConfigInput['rateLimits']) =>
    startServer(backend, { config: { trustProxy: true, rateLimits } });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const signInFrom = (
    target: SyncServer,
    ip: string,
    input: { email: string; password: string; accessToken?: string },
  ) =>
    fetch(`${target.url}/trpc/account.signIn`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...from(ip),
        ...(input.accessToken ? { authorization: `Bearer ${input.accessToken}` } : {}),
      },
      body: JSON.stringify({ email: input.email, password: input.password, deviceName: 'x' }),
    });
  const limitOf = async (response: Response) =>
    ((await response.json()) as { error?: { data?: { limit?: string } } }).error?.data?.limit;

  it('keys the sign-in limit on the account guessed, whatever access token comes with it', async () => {
    const limited = await behindProxy({ passwordPerAccountAndIp: { max: 3, windowMs: 60_000 } });
    try {
      const attacker = await signUp(limited);
      const victim = await signUp(limited);
      const guess = () =>
        signInFrom(limited, '203.0.113.7', {
          email: victim.email,
          password: derivedSecret(),
          accessToken: attacker.session.accessToken,
        });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await guess()).status);
      expect(statuses).toEqual([401, 401, 401]);
      const refused = await guess();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(await limitOf(refused)).toBe('passwordPerAccountAndIp');
      // Even the right password waits there, so that a guess cannot be confirmed...
      const right = { email: victim.email, password: victim.password };
      expect((await signInFrom(limited, '203.0.113.7', right)).status).toBe(429);
      // ...while the owner, from anywhere else, signs in.
      expect((await signInFrom(limited, '198.51.100.1', right)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('slows guesses from many addresses in growing steps, never locking the owner out', async () => {
    const limited = await behindProxy({
      passwordPerAccountAndIp: { max: 100, windowMs: 60_000 },
      passwordPerAccount: [
        { max: 3, windowMs: 60_000 },
        { max: 4, windowMs: 3_600_000 },
      ],
    });
    try {
      const owner = await signUp(limited);
      const right = { email: owner.email, password: owner.password };
      // The owner's usual address: the password was given right there (an attempt, counted).
      expect((await signInFrom(limited, '198.51.100.1', right)).status).toBe(200);
      const statuses = [];
      const waits = [];
      const limits = [];
      for (let i = 0; i < 4; i++) {
        const answer = await signInFrom(limited, `203.0.113.${i + 1}`, {
          email: owner.email,
          password: derivedSecret(),
        });
        statuses.push(answer.status);
        waits.push(Number(answer.headers.get('retry-after')));
        limits.push(await limitOf(answer));
      }
      expect(statuses).toEqual([401, 401, 429, 429]);
      expect(limits.slice(2)).toEqual(['passwordPerAccount', 'passwordPerAccount']);
      // The first tier says wait at most a minute; once the second is exceeded too, an hour.
      expect(waits[2]).toBeLessThanOrEqual(60);
      expect(waits[3]).toBeGreaterThan(60);
      // A new address waits too; the owner's known one does not.
      expect((await signInFrom(limited, '192.0.2.1', right)).status).toBe(429);
      expect((await signInFrom(limited, '198.51.100.1', right)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('counts the password of change-password and delete-account as guesses too', async () => {
    const limited = await behindProxy({ passwordPerAccountAndIp: { max: 2, windowMs: 60_000 } });
    try {
      const { session, password, dataKey } = await signUp(limited);
      const client = httpClient(limited, session.accessToken, from('203.0.113.9'));
      const { wrappingKey: _, ...next } = newPasswordInput(dataKey);
      const change = () =>
        statusOf(
          client.account.changePassword.mutate({ ...next, currentPassword: derivedSecret() }),
        );
      expect([await change(), await change()]).toEqual([401, 401]);
      expect(await change()).toBe(429);
      expect(await statusOf(client.account.deleteAccount.mutate({ password }))).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('limits sign-ups per address, more tightly than sign-ins by default', async () => {
    const defaults = serverConfigSchema.parse({ tokenSecret: 'x'.repeat(32) }).rateLimits;
    const perHour = (l: { max: number; windowMs: number }) => (l.max * 3_600_000) / l.windowMs;
    expect(perHour(defaults.signUpPerIp)).toBeLessThan(perHour(defaults.passwordPerAccountAndIp));
    const limited = await behindProxy({ signUpPerIp: { max: 2, windowMs: 3_600_000 } });
    try {
      const signUpFrom = async (ip: string) =>
        statusOf(
          httpClient(limited, undefined, from(ip)).account.signUp.mutate(signUpInput().input),
        );
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(await signUpFrom('203.0.113.20'));
      expect(statuses).toEqual([200, 200, 429]);
      expect(await signUpFrom('203.0.113.21')).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('ways around the limits', () => {
  it('refuses batched HTTP calls, so each call counts against the limits', async () => {
    const response = await fetch(`${server.url}/trpc/account.signIn,account.signIn?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        0: { email: 'a@example.test', password: 'guess-1', deviceName: 'x' },
        1: { email: 'a@example.test', password: 'guess-2', deviceName: 'x' },
      }),
    });
    const body = await response.text();
    expect(response.status, body).toBe(400);
    expect(body).toMatch(/batch/i);
    expect(body).not.toContain('invalid-credentials');
  });

  it('serves only subscriptions over WebSocket, never a sign-in', async () => {
    const wsClient = createWSClient({
      url: `${server.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const overSocket = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
    try {
      const error = await overSocket.account.signIn
        .mutate({ email: 'a@example.test', password: 'guess', deviceName: 'x' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ data: { code: 'METHOD_NOT_SUPPORTED' } });
    } finally {
      await wsClient.close();
    }
  });
});

describe('CORS and headers', () => {
  it('refuses a request from an origin not configured', async () => {
    const refused = await fetch(`${server.url}/trpc/meta.info`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/trpc/sync.push`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the configured origin', async () => {
    const preflight = await fetch(`${server.url}/trpc/sync.push`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.codeface.test',
        'access-control-request-method': 'POST',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.codeface.test');
  });

  it('sends security headers and a request id', async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-1' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toContain('max-age');
    expect(response.headers.get('x-request-id')).toBe('abc-1');
  });

  it("replaces a client's request id that is long or unsafe", async () => {
    for (const given of ['x'.repeat(65), '<script>', 'id with spaces', 'a"b', 'ünïcode']) {
      const response = await fetch(`${server.url}/healthz`, {
        headers: { 'x-request-id': given },
      });
      const id = response.headers.get('x-request-id');
      expect(id, given).not.toBe(given);
      expect(id, given).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('says every answer varies by Origin: allowed, refused, preflight and none', async () => {
    const { session } = await signUp(server);
    const answers = await Promise.all([
      fetch(`${server.url}/trpc/meta.info`),
      fetch(`${server.url}/trpc/meta.info`, { headers: { origin: 'https://app.codeface.test' } }),
      fetch(`${server.url}/trpc/meta.info`, { headers: { origin: 'https://evil.example' } }),
      fetch(`${server.url}/trpc/devices.list`, {
        headers: {
          origin: 'https://app.codeface.test',
          authorization: `Bearer ${session.accessToken}`,
        },
      }),
      fetch(`${server.url}/trpc/sync.push`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.codeface.test', 'access-control-request-method': 'POST' },
      }),
      fetch(`${server.url}/nowhere`),
    ]);
    for (const answer of answers) {
      const vary = answer.headers.get('vary') ?? '';
      expect(
        vary.split(',').map((v) => v.trim().toLowerCase()),
        `${answer.url} ${answer.status}`,
      ).toContain('origin');
    }
  });

  it('tells caches to keep no answer, authenticated ones above all', async () => {
    const { session, email, password } = await signUp(server);
    const signIn = await post('/trpc/account.signIn', { email, password, deviceName: 'x' });
    const list = await fetch(`${server.url}/trpc/devices.list`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    const refused = await fetch(`${server.url}/trpc/devices.list`);
    for (const answer of [signIn, list, refused]) {
      expect(answer.headers.get('cache-control'), answer.url).toBe('no-store');
    }
    expect([signIn.status, list.status, refused.status]).toEqual([200, 200, 401]);
  });
});

describe('validation and errors', () => {
  it('names the invalid field and never sends a stack trace', async () => {
    const response = await post('/trpc/sync.push', { changes: [{ id: '', deviceId: 'd' }] });
    const body = await response.text();
    expect(response.status).toBe(401);
    const { session } = await signUp(server);
    const authed = await post(
      '/trpc/sync.push',
      { changes: [{ id: 'a b', deviceId: 'd', ciphertext: 7 }] },
      { authorization: `Bearer ${session.accessToken}` },
    );
    const json = (await authed.json()) as {
      error: { message: string; data: { fields: string[] } };
    };
    expect(authed.status).toBe(400);
    expect(json.error.data.fields).toEqual(['changes.0.id', 'changes.0.ciphertext']);
    expect(json.error.message).toContain('changes.0.ciphertext');
    expect(body + JSON.stringify(json)).not.toMatch(/stack|node_modules|at .*\.ts/);
  });

  it('answers malformed JSON and unknown procedures with 4xx', async () => {
    expect((await post('/trpc/account.signIn', '{"email":')).status).toBe(400);
    expect((await post('/trpc/nope.nothing', {})).status).toBe(404);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });

  it('refuses another protocol version with 400', async () => {
    const response = await fetch(`${server.url}/trpc/meta.info`, {
      headers: { 'x-codeface-sync-protocol': '999' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { data: { reason: 'protocol-version' } },
    });
  });
});

describe('bodies and batches', () => {
  const limits = { maxChangeBytes: 1000, maxBatchChanges: 10 };
  let small: SyncServer;
  let token: string;
  beforeAll(async () => {
    small = await startServer(backend, { config: { limits } });
    token = (await signUp(small)).session.accessToken;
  }, 60_000);
  afterAll(() => small?.close());

  /** A body sent with its length declared, or streamed without one. */
  const send = (path: string, body: string, streamed: boolean) =>
    fetch(`${small.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: streamed
        ? new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(body));
              controller.close();
            },
          })
        : body,
      duplex: 'half',
    } as RequestInit);
  const change = (i: number, bytes: number) => ({
    id: `${i}`.padStart(64, 'c'),
    deviceId: 'd'.repeat(64),
    ciphertext: Buffer.alloc(bytes, i).toString('base64url'),
  });
  const pushBody = (count: number, bytes: number) =>
    JSON.stringify({ changes: Array.from({ length: count }, (_, i) => change(i, bytes)) });

  it.each([false, true])(
    "refuses a body over its call's limit with a 413 it can read (streamed: %s)",
    async (streamed) => {
      const cases = [
        // Every call but a push takes 64 KiB at most.
        { path: '/trpc/account.signIn', body: JSON.stringify({ email: 'x'.repeat(100_000) }) },
        // A push takes what the protocol limits allow, and no more.
        {
          path: '/trpc/sync.push',
          body: pushBody(limits.maxBatchChanges, 3 * limits.maxChangeBytes),
        },
      ];
      for (const { path, body } of cases) {
        const response = await send(path, body, streamed);
        expect(response.status, path).toBe(413);
        const json = (await response.json()) as {
          error: { message: string; data: Record<string, unknown> };
        };
        expect(json.error.data).toMatchObject({ reason: 'limit-exceeded', limit: 'bodyLimit' });
        expect(json.error.data.max).toBeLessThan(body.length);
        expect(json.error.message).toContain(`at most ${String(json.error.data.max)} bytes`);
      }
    },
  );

  it('takes a full batch of the largest changes the protocol limits allow', async () => {
    const response = await send(
      '/trpc/sync.push',
      pushBody(limits.maxBatchChanges, limits.maxChangeBytes),
      false,
    );
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('refuses a push of too many changes on their count, before validating any', async () => {
    const tooMany = JSON.stringify({ changes: Array.from({ length: 11 }, () => ({})) });
    const response = await send('/trpc/sync.push', tooMany, false);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { data: { reason: 'limit-exceeded', limit: 'maxBatchChanges', max: 10, actual: 11 } },
    });
  });
});

describe('a push too large to be worth reading', () => {
  /**
   * Another process sends a push of 340,000 tiny changes (35 MB: under the push body limit, far
   * over maxBatchChanges) as the server takes it, so that only the server's work shows in this
   * process's event loop, and prints the answer and how much it sent.
   */
  const ATTACKER = `
    const { request } = require('node:http');
    const tiny = (i) => '{"id":"' + String(i).padStart(40, 'c') + '","deviceId":"' + 'd'.repeat(20) + '","ciphertext":"AA"}';
    let first = 0, sent = 0;
    const next = () => {
      if (first >= 340000) return undefined;
      const items = Array.from({ length: 1000 }, (_, j) => tiny(first + j)).join(',');
      const text = (first === 0 ? '{"changes":[' : ',') + items + (first + 1000 >= 340000 ? ']}' : '');
      first += 1000;
      sent += text.length;
      return text;
    };
    const req = request(process.env.URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.TOKEN },
    });
    req.on('error', (error) => process.stderr.write(String(error)));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (part) => (text += part));
      res.on('end', () => {
        process.stdout.write(JSON.stringify({ status: res.statusCode, json: JSON.parse(text), sent }));
        process.exit(0);
      });
    });
    const write = () => {
      for (let text = next(); text !== undefined; text = next()) {
        if (!req.write(text)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  `;

  it('is refused on its count within its first bytes, without blocking the event loop', async () => {
    const token = (await signUp(server)).session.accessToken;
    // Spawning is synchronous and slow in a large process: the watch starts once it is done.
    const attack = execFileAsync(process.execPath, ['-e', ATTACKER], {
      env: { ...process.env, URL: `${server.url}/trpc/sync.push`, TOKEN: token },
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const { stdout, stderr } = await attack;
    delay.disable();
    expect(stderr).toBe('');
    const { status, json, sent } = JSON.parse(stdout) as {
      status: number;
      json: unknown;
      sent: number;
    };
    expect(status).toBe(413);
    expect(json).toMatchObject({
      error: { data: { reason: 'limit-exceeded', limit: 'maxBatchChanges', max: 500 } },
    });
    // Read, decoded and parsed whole, it blocked the loop for 3.5-8 s on the loaded 2-core test
    // machine (load 22). Refused on its count in its first chunk, the rest is dropped as it
    // arrives (150-780 ms at most between two turns of the loop, mostly the machine's load and
    // the garbage collector), and the client, which sent it all, reads the answer.
    expect(delay.max / 1e6).toBeLessThan(1000);
    expect(sent).toBeGreaterThan(34_000_000);
  }, 60_000);
});

describe('operations endpoints', () => {
  it('reports health, readiness and metrics', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ok: true,
      checks: [
        { name: 'database', ok: true },
        { name: 'bus', ok: true },
      ],
    });
    await statusOf(
      httpClient(server).account.signIn.mutate({
        email: 'a@b.co',
        password: derivedSecret(),
        deviceName: 'x',
      }),
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('codeface_sync_http_request_duration_seconds_bucket');
    expect(metrics).toContain('route="trpc:account.signIn"');
    expect(metrics).toMatch(
      /codeface_sync_auth_failures_total\{reason="invalid-credentials"\} [1-9]/,
    );
    expect(metrics).toContain('codeface_sync_websocket_connections');
  });

  it('is not ready when the database is gone', async () => {
    const lonely = await startServer(backend, {});
    const original = lonely.db.ping;
    lonely.db.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const ready = await fetch(`${lonely.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        ok: false,
        checks: [{ name: 'database', ok: false }, { name: 'bus' }],
      });
    } finally {
      lonely.db.ping = original;
      await lonely.close();
    }
  });
});
