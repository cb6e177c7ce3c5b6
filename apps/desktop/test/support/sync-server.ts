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
  /** The devices started so far. */
  readonly devices: readonly SyncDevice[];
  /** Starts a device on a fresh data folder; it is stopped and removed after the tests. */
  device(): Promise<SyncDevice>;
};

/**
 * A real sync server process (PGlite, or Postgres and Redis as in CI) for the tests of the
 * enclosing `describe`, and the devices they start: all started before or by the tests, and
 * stopped after them.
 */
export function useSyncServer(): SyncServerFixture {
  let server: ServerProcess | undefined;
  const devices: SyncDevice[] = [];

  beforeAll(async () => {
    server = await startServerProcess();
  }, 300_000);

  afterAll(async () => {
    for (const { host, client } of devices) {
      await client.close();
      await removeTestHost(host);
    }
    await server?.stop();
  }, 60_000);

  return {
    get url() {
      if (!server) throw new Error('The sync server has not started yet: read its url in a test.');
      return server.url;
    },
    devices,
    async device() {
      const host = await startTestHost();
      const started = { host, client: connectClient(host) };
      devices.push(started);
      return started;
    },
  };
}
