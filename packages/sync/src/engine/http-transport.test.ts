import { describe, expect, it } from 'vitest';
import { DEFAULT_SYNC_LIMITS, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../protocol';
import { createHttpTransport, refreshTokens } from './http-transport';
import type { SyncCredentials } from './ports';
import { SyncError } from './sync-error';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that records each request and answers from a script, as a server would. */
function scripted(answers: (Answer | 'unreachable' | Error)[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} });
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    if (answer === undefined || answer === 'unreachable') throw new TypeError('fetch failed');
    const text = answer.body === undefined ? 'not json' : JSON.stringify(answer.body);
    return new Response(text, { status: answer.status, headers: answer.headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function credentials(): SyncCredentials & { renewed: number } {
  let token = 1;
  const state = {
    renewed: 0,
    accessToken: async () => `token-${token}`,
    renew: async () => {
      token += 1;
      state.renewed += 1;
    },
  };
  return state;
}

const ok = (data: unknown): Answer => ({ status: 200, body: { result: { data } } });
const refused = (status: number, reason?: string): Answer => ({
  status,
  body: { error: { message: `refused: ${reason ?? status}`, data: { reason } } },
});
const page = { changes: [], nextCursor: 0, hasMore: false, highWaterMark: 0 };

async function failure(promise: Promise<unknown>): Promise<SyncError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SyncError)) throw new Error(`expected a SyncError, got ${String(error)}`);
  return error;
}

describe('createHttpTransport', () => {
  it('sends queries as GET with the input, mutations as POST, both with token and protocol', async () => {
    const server = scripted([
      ok(page),
      ok({ accepted: [], inserted: 0, highWaterMark: 0 }),
      ok({ protocolVersion: SYNC_PROTOCOL_VERSION, limits: DEFAULT_SYNC_LIMITS }),
    ]);
    const transport = createHttpTransport({
      url: 'http://sync.test/',
      credentials: credentials(),
      fetch: server.fetch,
    });
    expect(await transport.pull({ cursor: 3 })).toEqual(page);
    await transport.push([{ id: 'c1', deviceId: 'd', ciphertext: 'AQ' }]);
    expect(await transport.limits()).toEqual(DEFAULT_SYNC_LIMITS);
    const [pull, push, info] = server.requests;
    expect(pull?.url).toBe(
      `http://sync.test/trpc/sync.pull?input=${encodeURIComponent('{"cursor":3}')}`,
    );
    expect(pull?.init).toMatchObject({
      method: 'GET',
      headers: {
        authorization: 'Bearer token-1',
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
      },
    });
    expect(push?.init).toMatchObject({
      method: 'POST',
      body: JSON.stringify({ changes: [{ id: 'c1', deviceId: 'd', ciphertext: 'AQ' }] }),
    });
    expect(info?.init.headers).not.toHaveProperty('authorization');
  });

  it('renews an expired token once and tries again', async () => {
    const session = credentials();
    const server = scripted([refused(401, 'token-expired'), ok(page)]);
    const transport = createHttpTransport({
      url: 'http://s',
      credentials: session,
      fetch: server.fetch,
    });
    expect(await transport.pull({ cursor: 0 })).toEqual(page);
    expect(session.renewed).toBe(1);
    expect(server.requests[1]?.init.headers).toMatchObject({ authorization: 'Bearer token-2' });

    const again = scripted([refused(401, 'device-revoked')]);
    const revoked = createHttpTransport({
      url: 'http://s',
      credentials: session,
      fetch: again.fetch,
    });
    expect((await failure(revoked.pull({ cursor: 0 }))).code).toBe('device-revoked');
    expect(session.renewed).toBe(1);
  });

  it('names each failure by what the device should do', async () => {
    const cases: [Answer | 'unreachable', string][] = [
      ['unreachable', 'network'],
      [refused(500), 'server-error'],
      [{ status: 502 }, 'server-error'],
      [refused(413), 'limit-exceeded'],
      [refused(400, 'protocol-version'), 'protocol-version'],
      [{ status: 404 }, 'invalid-response'],
      [{ status: 200, body: { result: { data: { changes: 'no' } } } }, 'invalid-response'],
    ];
    for (const [answer, code] of cases) {
      const server = scripted([answer]);
      const transport = createHttpTransport({
        url: 'http://s',
        credentials: credentials(),
        fetch: server.fetch,
      });
      expect((await failure(transport.pull({ cursor: 0 }))).code, code).toBe(code);
    }
  });

  it('says why no answer came: name, port, certificate, time, or anything else', async () => {
    const failed = (cause: unknown) => new TypeError('fetch failed', { cause });
    const coded = (code: string) => Object.assign(new Error(code), { code });
    const cases: [Error, string][] = [
      [failed(coded('ENOTFOUND')), 'dns'],
      [failed(coded('EAI_AGAIN')), 'dns'],
      [failed(coded('ECONNREFUSED')), 'refused'],
      [failed(coded('DEPTH_ZERO_SELF_SIGNED_CERT')), 'tls'],
      [failed(coded('ERR_TLS_CERT_ALTNAME_INVALID')), 'tls'],
      [failed(coded('UND_ERR_CONNECT_TIMEOUT')), 'timeout'],
      [failed(coded('ETIMEDOUT')), 'timeout'],
      [new DOMException('The operation timed out.', 'TimeoutError'), 'timeout'],
      [failed(new AggregateError([coded('ECONNRESET')])), 'unreachable'],
      [failed('not an error'), 'unreachable'],
      [failed(Object.assign(new Error('odd'), { code: 61 })), 'unreachable'],
      // Causes are read a few levels deep, not without end.
      [failed(failed(failed(failed(coded('ECONNREFUSED'))))), 'unreachable'],
    ];
    for (const [thrown, network] of cases) {
      const server = scripted([thrown]);
      const transport = createHttpTransport({
        url: 'http://s',
        credentials: credentials(),
        fetch: server.fetch,
      });
      expect((await failure(transport.pull({ cursor: 0 }))).data, network).toEqual({
        network,
        path: 'sync.pull',
      });
    }
  });

  it('passes on what the server said beyond its reason: version, fields, limit', async () => {
    const detailed = (reason: string, data: Record<string, unknown>): Answer => ({
      status: 400,
      body: { error: { message: 'refused', data: { reason, ...data } } },
    });
    const server = scripted([
      detailed('protocol-version', { supported: 3 }),
      detailed('invalid-input', { fields: ['email'] }),
      { ...detailed('limit-exceeded', { limit: 'maxUserBytes' }), status: 413 },
      { ...detailed('rate-limited', { limit: 'passwordPerAccount', retryAfter: 90 }), status: 429 },
    ]);
    const transport = createHttpTransport({
      url: 'http://s',
      credentials: credentials(),
      fetch: server.fetch,
    });
    const path = 'sync.pull';
    expect((await failure(transport.pull({ cursor: 0 }))).data).toEqual({ path, serverVersion: 3 });
    expect((await failure(transport.pull({ cursor: 0 }))).data).toEqual({
      path,
      fields: ['email'],
    });
    expect((await failure(transport.pull({ cursor: 0 }))).data).toEqual({
      path,
      limit: 'maxUserBytes',
    });
    expect((await failure(transport.pull({ cursor: 0 }))).data).toEqual({
      path,
      limit: 'passwordPerAccount',
      retryAfterMs: 90_000,
    });
  });

  it('reads a bare 401 as unauthenticated, which renews the token', async () => {
    const session = credentials();
    const server = scripted([{ status: 401 }, ok(page)]);
    const transport = createHttpTransport({
      url: 'http://s',
      credentials: session,
      fetch: server.fetch,
    });
    expect(await transport.pull({ cursor: 0 })).toEqual(page);
    expect(session.renewed).toBe(1);
  });

  it('passes on how long the server asks to wait when rate limited', async () => {
    for (const [headers, retryAfterMs] of [
      [{ 'retry-after': '7' }, 7000],
      [{ 'retry-after': '-5' }, undefined],
      [{}, undefined],
    ] as const) {
      const server = scripted([{ ...refused(429, 'rate-limited'), headers }]);
      const transport = createHttpTransport({
        url: 'http://s',
        credentials: credentials(),
        fetch: server.fetch,
      });
      const error = await failure(transport.pull({ cursor: 0 }));
      expect(error).toMatchObject({ code: 'rate-limited', data: { retryAfterMs } });
    }
  });

  it('refreshes tokens with account.refresh', async () => {
    const session = {
      userId: '6f1c1a52-3f7e-4a5e-9a55-1d3c2b7f0a01',
      deviceId: '6f1c1a52-3f7e-4a5e-9a55-1d3c2b7f0a02',
      accessToken: 'a2',
      accessTokenExpiresAt: 5,
      refreshToken: 'r2',
      wrappedDataKey: 'w',
    };
    const server = scripted([ok(session)]);
    expect(
      await refreshTokens({ url: 'http://s/', refreshToken: 'r1', fetch: server.fetch }),
    ).toEqual(session);
    expect(server.requests[0]).toMatchObject({
      url: 'http://s/trpc/account.refresh',
      init: { method: 'POST', body: '{"refreshToken":"r1"}' },
    });
  });
});
