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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
} from '../../../packages/sync/test/support/server-process';
import { SECRETS_FILE } from '../src/api';
import {
  type TestClient,
  type TestHost,
  connectClient,
  removeTestHost,
  startTestHost,
} from './support/test-host';

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

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A device signed out while offline leaves the account's list once the server can be told. */
describe('signing out offline', () => {
  let server: ServerProcess;
  let host: TestHost | null = null;
  let client: TestClient | null = null;

  beforeAll(async () => {
    server = await startServerProcess();
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    if (host) await removeTestHost(host);
    await server?.stop();
  }, 60_000);

  it('keeps the sign-out and sends it when the server can be reached again, after a restart', async () => {
    const email = `person-${randomUUID()}@example.test`;
    const password = 'correct horse battery';
    // Another device of the account, which lists the devices straight from the server.
    const first = await signUp({ url: server.url, email, password, deviceName: 'Desk' });
    const credentials = createRefreshingSession({
      tokens: first.tokens,
      refresh: (refreshToken) => refreshTokens({ url: server.url, refreshToken }),
      onTokens: () => undefined,
    });
    const listDevices = async () =>
      (
        await createAuthedCaller({ url: server.url, credentials })({
          path: 'devices.list',
          kind: 'query',
          output: deviceSchema.array(),
        })
      ).map((device) => device.name);

    const relay = relayTo(new URL(server.url));
    await relay.open();
    host = await startTestHost();
    client = connectClient(host);
    await client.api.sync.setDeviceName.mutate({ name: 'Travel laptop' });
    await client.api.sync.signIn.mutate({ url: relay.url(), email, password });
    expect((await listDevices()).sort()).toEqual(['Desk', 'Travel laptop']);

    // The network goes; signing out still signs out here, and says the server is told later.
    await relay.cut();
    await expect(client.api.sync.signOut.mutate()).rejects.toThrow(
      'Signed out on this device. The sync server could not be reached, so CodeFace tells it the next time it can; until then this device is still listed in your account.',
    );
    expect(await client.api.sync.view.query()).toMatchObject({
      signedIn: false,
      signOutsWaiting: [new URL(relay.url()).host],
    });
    expect(await listDevices()).toContain('Travel laptop');
    const secretsFile = join(host.dataDir, SECRETS_FILE);
    expect(readFileSync(secretsFile, 'utf8')).toContain('sync:pending-sign-outs');

    // CodeFace is closed and opened again with the network back: the sign-out is sent.
    const { dataDir } = host;
    await client.close();
    await host.close();
    await relay.open();
    host = await startTestHost({ dataDir });
    client = connectClient(host);
    await until(listDevices, (names) => !names.includes('Travel laptop'), 'the device to leave');
    expect(await listDevices()).toEqual(['Desk']);
    await until(
      () => (client as TestClient).api.sync.view.query(),
      (view) => view.signOutsWaiting.length === 0,
      'the settings to stop showing the sign-out as waiting',
    );
    await until(
      async () => readFileSync(secretsFile, 'utf8'),
      (text) => !text.includes('sync:pending-sign-outs'),
      'the pending sign-out to be forgotten',
    );
    await relay.cut();
  }, 300_000);
});
