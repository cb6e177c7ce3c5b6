import { readFileSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  createAuthedCaller,
  createRefreshingSession,
  refreshTokens,
  signUp,
} from '@codeface/sync/engine';
import { deviceSchema } from '@codeface/sync/protocol';
import { describe, expect, it } from 'vitest';
import { SECRETS_FILE } from '../src/api';
import { waitFor } from './support/collect';
import { useSyncServer } from './support/sync-server';

/**
 * The way to the sync server, which a test can cut and restore on the same port: a TCP relay,
 * so that the device's own sockets fail as they would when the network goes.
 */
function relayTo(target: URL) {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((socket) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const each of [socket, upstream]) {
          sockets.add(each);
          each.on('error', () => undefined);
          each.on('close', () => sockets.delete(each));
        }
        socket.pipe(upstream).pipe(socket);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as { port: number }).port;
        resolve();
      });
    });
  return {
    open,
    url: () => `http://127.0.0.1:${port}`,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server?.close(() => resolve());
      }),
  };
}

/** A device signed out while offline leaves the account's list once the server can be told. */
describe('signing out offline', () => {
  const sync = useSyncServer();

  it('keeps the sign-out and sends it when the server can be reached again, after a restart', async () => {
    const email = `person-${randomUUID()}@example.test`;
    const password = 'correct horse battery';
    // Another device of the account, which lists the devices straight from the server.
    const first = await signUp({ url: sync.url, email, password, deviceName: 'Desk' });
    const credentials = createRefreshingSession({
      tokens: first.tokens,
      refresh: (refreshToken) => refreshTokens({ url: sync.url, refreshToken }),
      onTokens: () => undefined,
    });
    const listDevices = async () =>
      (
        await createAuthedCaller({ url: sync.url, credentials })({
          path: 'devices.list',
          kind: 'query',
          output: deviceSchema.array(),
        })
      ).map((device) => device.name);

    const relay = relayTo(new URL(sync.url));
    await relay.open();
    const laptop = await sync.device();
    await laptop.client.api.sync.setDeviceName.mutate({ name: 'Travel laptop' });
    await laptop.client.api.sync.signIn.mutate({ url: relay.url(), email, password });
    expect((await listDevices()).sort()).toEqual(['Desk', 'Travel laptop']);

    // The network goes; signing out still signs out here, and says the server is told later.
    await relay.cut();
    await expect(laptop.client.api.sync.signOut.mutate()).rejects.toThrow(
      'Signed out on this device. The sync server could not be reached, so CodeFace tells it the next time it can; until then this device is still listed in your account.',
    );
    expect(await laptop.client.api.sync.view.query()).toMatchObject({
      signedIn: false,
      signOutsWaiting: [new URL(relay.url()).host],
    });
    expect(await listDevices()).toContain('Travel laptop');
    const { dataDir } = laptop.host;
    const secretsFile = join(dataDir, SECRETS_FILE);
    expect(readFileSync(secretsFile, 'utf8')).toContain('sync:pending-sign-outs');

    // CodeFace is closed and opened again with the network back: the sign-out is sent.
    await sync.close(laptop);
    await relay.open();
    const reopened = await sync.device({ dataDir });
    await waitFor(listDevices, (names) => !names.includes('Travel laptop'), 60_000);
    expect(await listDevices()).toEqual(['Desk']);
    // The settings stop showing the sign-out as waiting.
    await waitFor(
      () => reopened.client.api.sync.view.query(),
      (view) => view.signOutsWaiting.length === 0,
      60_000,
    );
    // The pending sign-out is forgotten once sent.
    await waitFor(
      async () => readFileSync(secretsFile, 'utf8'),
      (text) => !text.includes('sync:pending-sign-outs'),
      60_000,
    );
    await relay.cut();
  }, 300_000);
});
