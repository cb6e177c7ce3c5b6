import { SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import type { AppRouter } from '../src/trpc/app-router';
import { openTestBackend, type TestBackend } from './support/backend';
import {
  httpClient,
  newPasswordInput,
  signUp,
  startServer,
  subscribe,
  type Subscriber,
} from './support/harness';

let backend: TestBackend;
let server: SyncServer;
const reported: unknown[] = [];

beforeAll(async () => {
  backend = await openTestBackend();
  server = await startServer(backend, {
    reportError: (error) => reported.push(error),
    config: { websocketLimits: { maxSubscriptionsPerConnection: 2, maxMessagesPerSecond: 20 } },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

async function endedWith(sub: Subscriber) {
  await expect.poll(() => sub.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
  return sub.errors[0];
}

describe('how a subscription ends', () => {
  it.each([
    {
      how: 'the device is revoked by another',
      act: async (device: Awaited<ReturnType<typeof signUp>>) => {
        const other = await httpClient(server).account.signIn.mutate({
          email: device.email,
          password: device.password,
          deviceName: 'other',
        });
        await httpClient(server, other.accessToken).devices.revoke.mutate({
          deviceId: device.session.deviceId,
        });
      },
    },
    {
      how: 'the password is changed on another device',
      act: async (device: Awaited<ReturnType<typeof signUp>>) => {
        const other = await httpClient(server).account.signIn.mutate({
          email: device.email,
          password: device.password,
          deviceName: 'other',
        });
        const { wrappingKey: _, ...change } = newPasswordInput(device.dataKey);
        await httpClient(server, other.accessToken).account.changePassword.mutate({
          ...change,
          currentPassword: device.password,
        });
      },
    },
    {
      how: 'the device signs out',
      act: async (device: Awaited<ReturnType<typeof signUp>>) => {
        await device.client.account.signOut.mutate();
      },
    },
    {
      how: 'the account is deleted',
      act: async (device: Awaited<ReturnType<typeof signUp>>) => {
        await device.client.account.deleteAccount.mutate({ password: device.password });
      },
    },
  ])('ends with 401 device-revoked, not a server error, when $how', async ({ act }) => {
    const device = await signUp(server);
    const sub = subscribe(server, device.session.accessToken);
    try {
      await sub.waitForMark(0);
      reported.length = 0;
      await act(device);
      expect(await endedWith(sub)).toMatchObject({
        data: { code: 'UNAUTHORIZED', httpStatus: 401, reason: 'device-revoked' },
      });
      expect(reported).toEqual([]);
    } finally {
      sub.close();
    }
  });

  it('ends with device-revoked at the next resync when the bus lost the revocation', async () => {
    const device = await signUp(server);
    const sub = subscribe(server, device.session.accessToken);
    try {
      await sub.waitForMark(0);
      // Revoked while the bus was down: the row says so, no event said it.
      await backend.admin.query('UPDATE devices SET revoked_at = 1 WHERE id = $1', [
        device.session.deviceId,
      ]);
      await server.bus.publish(device.session.userId, { type: 'resync' });
      expect(await endedWith(sub)).toMatchObject({
        data: { httpStatus: 401, reason: 'device-revoked' },
      });
    } finally {
      sub.close();
    }
  });

  it('ends with token-expired when its access token expires, and the refreshed token subscribes again', async () => {
    const shortLived = await startServer(backend, {
      reportError: (error) => reported.push(error),
      config: { accessTokenTtlMs: 1500 },
    });
    const device = await signUp(shortLived);
    const sub = subscribe(shortLived, device.session.accessToken);
    let again: Subscriber | undefined;
    try {
      await sub.waitForMark(0);
      reported.length = 0;
      expect(await endedWith(sub)).toMatchObject({
        data: { httpStatus: 401, reason: 'token-expired' },
      });
      expect(reported).toEqual([]);
      const refreshed = await httpClient(shortLived).account.refresh.mutate({
        refreshToken: device.session.refreshToken,
      });
      again = subscribe(shortLived, refreshed.accessToken);
      await again.waitForMark(0);
    } finally {
      sub.close();
      again?.close();
      await shortLived.close();
    }
  });
});

describe('what one WebSocket connection may do', () => {
  it('holds at most maxSubscriptionsPerConnection subscriptions, and a stopped one frees its slot', async () => {
    const { session } = await signUp(server);
    const wsClient = createWSClient({
      url: `${server.url.replace('http', 'ws')}/trpc`,
      connectionParams: () => ({
        token: session.accessToken,
        protocol: String(SYNC_PROTOCOL_VERSION),
      }),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
    const open = () => {
      const state = { started: false, error: undefined as unknown };
      const subscription = client.sync.subscribe.subscribe(undefined, {
        onData: () => (state.started = true),
        onError: (error) => (state.error = error),
      });
      return { state, stop: () => subscription.unsubscribe() };
    };
    try {
      const first = open();
      const second = open();
      await expect.poll(() => first.state.started && second.state.started).toBe(true);
      const third = open();
      await expect.poll(() => third.state.error).toBeDefined();
      expect(third.state.error).toMatchObject({
        data: { httpStatus: 429, reason: 'rate-limited', limit: 'maxSubscriptionsPerConnection' },
      });
      first.stop();
      await expect
        .poll(
          async () => {
            const next = open();
            await expect
              .poll(() => next.state.started || next.state.error !== undefined)
              .toBe(true);
            next.stop();
            return next.state.started;
          },
          { timeout: 10_000 },
        )
        .toBe(true);
    } finally {
      await wsClient.close();
    }
  });

  it('is closed with 1008 when it sends messages faster than maxMessagesPerSecond', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    for (let i = 0; i < 100; i++) socket.send('PING');
    expect(await closed).toBe(1008);
  });
});
