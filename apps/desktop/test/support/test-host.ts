import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import WebSocket from 'ws';
import type { AppRouter } from '../../src/api';
import { API_WS_PATH, tradeRunToken } from '../../src/api/transport';
import { serve } from '../../src/host/serve';
import type { RunningHost } from '../../src/host/serve';

export type TestHost = RunningHost & {
  dataDir: string;
  rendererDir: string;
  token: string;
  origin: string;
  modelPath: string;
};

/** A web host on a fresh data folder, the tiny model on one CPU thread, a stub page. */
export async function startTestHost(
  options: {
    dataDir?: string;
    maxAnswerTokens?: number;
    huggingFaceEndpoint?: string;
    embeddingModel?: { localModelPath: string; modelId: string };
    passphrase?: string;
  } = {},
): Promise<TestHost> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'codeface-host-')));
  const rendererDir = await mkdtemp(join(tmpdir(), 'codeface-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>CodeFace</title>');
  const modelPath = await ensureTinyModel();
  const host = await serve({
    dataDir,
    rendererDir,
    port: 0,
    gpu: false,
    threads: 1,
    maxAnswerTokens: options.maxAnswerTokens ?? 48,
    // Never scan the machine's own model folders in tests.
    discoveryRoots: { lmStudio: [join(dataDir, 'lm-studio')], ollama: [], huggingFace: [] },
    huggingFaceEndpoint: options.huggingFaceEndpoint,
    embeddingModel: options.embeddingModel,
    passphrase: options.passphrase,
  });
  const token = new URL(host.url).searchParams.get('token') ?? '';
  // Assigned, not spread: spreading would read `runtime`, which throws while the host is locked.
  return Object.assign(host, {
    dataDir,
    rendererDir,
    token,
    origin: `http://127.0.0.1:${host.port}`,
    modelPath,
  });
}

export async function removeTestHost(host: TestHost): Promise<void> {
  await host.close();
  await rm(host.rendererDir, { recursive: true, force: true });
  await rm(host.dataDir, { recursive: true, force: true });
}

export type TestClient = {
  api: TRPCClient<AppRouter>;
  /** Cuts the WebSocket as a network would; the client reconnects and re-sends what is open. */
  dropConnection(): void;
  /** Ends the WebSocket as a page that closes or reloads does (code 1001), not to come back. */
  leavePage(): Promise<void>;
  close(): Promise<void>;
};

/**
 * A real tRPC client over a real WebSocket, sending the given Origin like a browser would. It
 * trades the run's token for a tab secret as the page does (or sends the given `secret`), and is
 * a page of its own (or, given another client's `page` id, that page connecting again).
 */
export function connectClient(
  host: Pick<TestHost, 'port' | 'token' | 'origin'>,
  options: { origin?: string; secret?: string; page?: string } = {},
): TestClient {
  const origin = options.origin ?? host.origin;
  const sockets: WebSocket[] = [];
  class BrowserLikeWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
      sockets.push(this);
    }
  }
  const page = options.page ?? randomUUID();
  const secret =
    options.secret === undefined ? tradeRunToken(host.origin, host.token) : options.secret;
  const wsClient = createWSClient({
    url: `ws://127.0.0.1:${host.port}${API_WS_PATH}`,
    // Each client is a page of its own unless told to be a reconnect of another (`page`).
    connectionParams: async () => ({ secret: (await secret) ?? '', page }),
    WebSocket: BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 50,
  });
  return {
    api: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] }),
    dropConnection: () => sockets.at(-1)?.terminate(),
    leavePage: () => {
      sockets.at(-1)?.close(1001);
      return wsClient.close();
    },
    close: () => wsClient.close(),
  };
}

export type LoadedHost = { host: TestHost; client: TestClient };

/** A test host with the tiny model imported and loaded, and a client connected to it. */
export async function startLoadedHost(
  options: Parameters<typeof startTestHost>[0] = {},
): Promise<LoadedHost> {
  const host = await startTestHost(options);
  const client = connectClient(host);
  const model = await client.api.models.import.mutate({ path: host.modelPath });
  await client.api.models.load.mutate({ modelId: model.id });
  return { host, client };
}

export async function stopLoadedHost({ host, client }: LoadedHost): Promise<void> {
  await client.close();
  await removeTestHost(host);
}

/**
 * A loaded host for the tests of the enclosing `describe`: started before them, stopped after.
 * Read `host` and `client` inside the tests, once it has started.
 */
export function useLoadedHost(options: Parameters<typeof startTestHost>[0] = {}): LoadedHost {
  const loaded = {} as LoadedHost;
  beforeAll(async () => {
    Object.assign(loaded, await startLoadedHost(options));
  }, 60_000);
  afterAll(() => stopLoadedHost(loaded));
  return loaded;
}
