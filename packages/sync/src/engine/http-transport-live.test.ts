import type { AddressInfo } from 'node:net';
import { TRPCError, initTRPC } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { PullNowEvent } from '../protocol';
import { createHttpTransport } from './http-transport';
import type { SyncCredentials } from './ports';
import { SyncError } from './sync-error';

/** What one subscription does, in order: yield an event, fail with a reason, or drop the socket. */
type Step = { yield: unknown } | { fail: string } | 'drop' | 'wait';

/**
 * A real tRPC WebSocket server with `sync.subscribe`, each connection playing the next script.
 * Errors carry `data.reason` as the sync server's error formatter puts it.
 */
async function liveServer(scripts: Step[][]) {
  const tokens: unknown[] = [];
  const t = initTRPC.context<{ token: unknown }>().create({
    errorFormatter: ({ shape, error }) => ({
      ...shape,
      data: { ...shape.data, reason: (error.cause as { reason?: string } | undefined)?.reason },
    }),
  });
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const router = t.router({
    sync: t.router({
      subscribe: t.procedure.subscription(async function* ({ signal }) {
        for (const step of scripts.shift() ?? []) {
          if (step === 'drop') {
            for (const socket of wss.clients) socket.terminate();
            return;
          }
          if (step === 'wait') {
            await new Promise((resolve) => signal?.addEventListener('abort', resolve));
            return;
          }
          if ('fail' in step) {
            throw new TRPCError({
              code: 'UNAUTHORIZED',
              message: `refused: ${step.fail}`,
              cause: Object.assign(new Error(step.fail), { reason: step.fail }),
            });
          }
          yield step.yield;
        }
      }),
    }),
  });
  const handler = applyWSSHandler({
    wss,
    router,
    createContext: ({ info }) => {
      tokens.push(info.connectionParams?.token);
      return { token: info.connectionParams?.token };
    },
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    close: async () => {
      handler.broadcastReconnectNotification();
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

function credentials(renew: () => Promise<void> = async () => undefined) {
  let token = 1;
  const state: SyncCredentials & { renewed: number } = {
    renewed: 0,
    accessToken: async () => `token-${token}`,
    renew: async () => {
      state.renewed += 1;
      await renew();
      token += 1;
    },
  };
  return state;
}

/** Subscribes and collects what the handlers hear; `ended` resolves with the one error. */
function listen(url: string, session: SyncCredentials) {
  const transport = createHttpTransport({
    url,
    credentials: session,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const events: PullNowEvent[] = [];
  const errors: unknown[] = [];
  let resolveEnded: (error: unknown) => void = () => undefined;
  const ended = new Promise<unknown>((resolve) => (resolveEnded = resolve));
  let resolveFirst: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (resolveFirst = resolve));
  const subscription = transport.subscribe({
    onPullNow: (event) => {
      events.push(event);
      resolveFirst();
    },
    onError: (error) => {
      errors.push(error);
      resolveEnded(error);
    },
  });
  return { events, errors, ended, first, subscription };
}

const pullNow = (highWaterMark: number) => ({ yield: { type: 'pull-now', highWaterMark } });
const servers: { close(): Promise<void> }[] = [];
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('the live "pull now" stream', () => {
  it('hears each event and reports a lost connection once, as network', async () => {
    const server = await liveServer([[pullNow(3), pullNow(5), 'drop']]);
    servers.push(server);
    const live = listen(server.url, credentials());
    const error = await live.ended;
    expect(live.events).toEqual([
      { type: 'pull-now', highWaterMark: 3 },
      { type: 'pull-now', highWaterMark: 5 },
    ]);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'network' });
    expect(server.tokens).toEqual(['token-1']);
    await settle();
    expect(live.errors).toHaveLength(1);
  });

  it('ends with invalid-response on an event this version does not know', async () => {
    const server = await liveServer([[{ yield: { type: 'rewind', to: 0 } }, 'wait']]);
    servers.push(server);
    const live = listen(server.url, credentials());
    expect(await live.ended).toMatchObject({ code: 'invalid-response' });
    expect(live.events).toEqual([]);
  });

  it('renews an expired token once and opens the stream again with the new one', async () => {
    const server = await liveServer([[{ fail: 'token-expired' }], [pullNow(7), 'wait']]);
    servers.push(server);
    const session = credentials();
    const live = listen(server.url, session);
    await live.first;
    expect(live.events).toEqual([{ type: 'pull-now', highWaterMark: 7 }]);
    expect(session.renewed).toBe(1);
    expect(server.tokens).toEqual(['token-1', 'token-2']);
    expect(live.errors).toEqual([]);
    live.subscription.close();
    await settle();
    expect(live.errors).toEqual([]);
  });

  it('gives up when the renewed token is refused too, before any event', async () => {
    const server = await liveServer([[{ fail: 'token-expired' }], [{ fail: 'token-expired' }]]);
    servers.push(server);
    const session = credentials();
    const live = listen(server.url, session);
    expect(await live.ended).toMatchObject({ code: 'token-expired' });
    expect(session.renewed).toBe(1);
  });

  it('ends with the renewal error when the session cannot be renewed', async () => {
    const server = await liveServer([[{ fail: 'token-expired' }]]);
    servers.push(server);
    const signedOut = new SyncError('device-revoked', 'This device was signed out.');
    const live = listen(
      server.url,
      credentials(async () => {
        throw signedOut;
      }),
    );
    expect(await live.ended).toBe(signedOut);
  });

  it('ends with the reason the server gives, and a reason it does not know as server-error', async () => {
    for (const [reason, code] of [
      ['device-revoked', 'device-revoked'],
      ['from-a-newer-server', 'server-error'],
    ]) {
      const server = await liveServer([[pullNow(1), { fail: reason as string }]]);
      servers.push(server);
      const live = listen(server.url, credentials());
      const error = await live.ended;
      expect(error, reason).toMatchObject({ code, message: `refused: ${reason}` });
      expect(live.events).toHaveLength(1);
    }
  });

  it('stays quiet once closed by the engine', async () => {
    const server = await liveServer([[pullNow(2), 'wait']]);
    servers.push(server);
    const live = listen(server.url, credentials());
    await live.first;
    live.subscription.close();
    await settle();
    expect(live.errors).toEqual([]);
  });

  it('reports a server it cannot reach as network, once', async () => {
    const server = await liveServer([]);
    const { url } = server;
    await server.close();
    const live = listen(url, credentials());
    expect(await live.ended).toMatchObject({ code: 'network' });
    await settle();
    expect(live.errors).toHaveLength(1);
  });

  it('neither reopens nor reports when a renewal ends after the engine closed the stream', async () => {
    for (const outcome of ['renewed', 'refused'] as const) {
      const server = await liveServer([[{ fail: 'token-expired' }], [pullNow(1), 'wait']]);
      servers.push(server);
      let release: () => void = () => undefined;
      const renewing = new Promise<void>((resolve) => (release = resolve));
      const session = credentials(async () => {
        await renewing;
        if (outcome === 'refused') throw new SyncError('device-revoked', 'Signed out.');
      });
      const live = listen(server.url, session);
      await vi.waitFor(() => expect(session.renewed).toBe(1));
      live.subscription.close();
      release();
      await settle();
      expect(live.errors, outcome).toEqual([]);
      expect(server.tokens, outcome).toEqual(['token-1']);
    }
  });
});
