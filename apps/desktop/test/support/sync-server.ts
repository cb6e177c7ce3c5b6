import { rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
} from '../../../../packages/sync/test/support/server-process';
import {
  type TestClient,
  type TestHost,
  connectClient,
  removeTestHost,
  startTestHost,
} from './test-host';

/** One device of a sync test: a web host on its own data folder, and a client of it. */
export type SyncDevice = { host: TestHost; client: TestClient };

export type SyncServerFixture = {
  /** The server's address; read it inside the tests (or their `beforeAll`), once it has started. */
  readonly url: string;
  /** The devices started so far and not closed. */
  readonly devices: readonly SyncDevice[];
  /** Starts a device on a fresh data folder, or on one a closed device left; removed after the tests. */
  device(options?: { dataDir?: string }): Promise<SyncDevice>;
  /** Closes the device's CodeFace as a person quits it: its data folder stays for a later device. */
  close(device: SyncDevice): Promise<void>;
};

/**
 * A real sync server process (PGlite, or Postgres and Redis as in CI) for the tests of the
 * enclosing `describe`, and the devices they start: all started before or by the tests, and
 * stopped after them.
 */
export function useSyncServer(): SyncServerFixture {
  let server: ServerProcess | undefined;
  const devices: SyncDevice[] = [];
  const closedDataDirs: string[] = [];

  beforeAll(async () => {
    server = await startServerProcess();
  }, 300_000);

  afterAll(async () => {
    for (const { host, client } of devices) {
      await client.close();
      await removeTestHost(host);
    }
    for (const dataDir of closedDataDirs) await rm(dataDir, { recursive: true, force: true });
    await server?.stop();
  }, 60_000);

  return {
    get url() {
      if (!server) throw new Error('The sync server has not started yet: read its url in a test.');
      return server.url;
    },
    devices,
    async device(options = {}) {
      const host = await startTestHost(options);
      const started = { host, client: connectClient(host) };
      devices.push(started);
      return started;
    },
    async close(device) {
      devices.splice(devices.indexOf(device), 1);
      await device.client.close();
      await device.host.close();
      await rm(device.host.rendererDir, { recursive: true, force: true });
      closedDataDirs.push(device.host.dataDir);
    },
  };
}
