import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHost } from './support/test-host';

async function freePort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

describe('the local API across restarts', () => {
  const dataDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts again at start-up where it was left on, with the same key; a taken port is said', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codeface-local-api-'));
    dataDirs.push(dataDir);
    const { port, server: probe } = await freePort();
    await closeServer(probe);

    const first = await startTestHost({ dataDir });
    const off = await first.runtime.services.localApi.status();
    expect(off).toMatchObject({ enabled: false, baseUrl: null, problem: null });
    const on = await first.runtime.services.localApi.configure({ enabled: true, port });
    expect(on.baseUrl).toBe(`http://127.0.0.1:${port}/v1`);
    await first.close();
    dataDirs.push(first.rendererDir);
    // Closed with the app: nothing listens any more.
    await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();

    const second = await startTestHost({ dataDir });
    const resumed = await second.runtime.services.localApi.status();
    expect(resumed).toMatchObject({ enabled: true, port, token: on.token, problem: null });
    const listed = await fetch(`${resumed.baseUrl}/models`, {
      headers: { authorization: `Bearer ${on.token}` },
    });
    expect(listed.status).toBe(200);
    await second.close();
    dataDirs.push(second.rendererDir);

    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    const third = await startTestHost({ dataDir });
    try {
      expect(await third.runtime.services.localApi.status()).toMatchObject({
        enabled: true,
        baseUrl: null,
        problem: `Port ${port} is already used by another program: pick another port.`,
      });
    } finally {
      await third.close();
      dataDirs.push(third.rendererDir);
      await closeServer(squatter);
    }
  }, 120_000);
});
