import { rm } from 'node:fs/promises';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/api';
import { gateContext } from '../src/api/context';
import type { ApiContext, ConnectionContext } from '../src/api/context';
import { createIpcWebSocketClass } from '../src/api/ipc/ipc-client-socket';
import type { IpcBridge, IpcFrame } from '../src/api/ipc/protocol';
import { createIpcServer } from '../src/api/ipc/ipc-server';
import { generate, rejection, textOf, waitFor } from './support/collect';
import { removeTestHost, startTestHost } from './support/test-host';
import type { TestHost } from './support/test-host';

/**
 * The Electron transport without Electron: the renderer's socket class and the main side's
 * server joined by an in-memory channel that copies frames the way IPC does. A second window
 * joins the first one's `server` with a `windowId` of its own.
 */
function connectOverIpc(
  host: TestHost,
  options: {
    createContext?: (connection: ConnectionContext) => ApiContext;
    server?: ReturnType<typeof createIpcServer>;
    windowId?: string;
  } = {},
) {
  const createContext =
    options.createContext ??
    ((connection: ConnectionContext) => ({ services: host.runtime.services, ...connection }));
  const server = options.server ?? createIpcServer({ createContext });
  const listeners = new Set<(frame: IpcFrame) => void>();
  const peer = {
    id: `${options.windowId ?? 'window-1'}/frame-1`,
    send: (frame: IpcFrame) => {
      const copy = structuredClone(frame);
      setImmediate(() => listeners.forEach((listener) => listener(copy)));
    },
  };
  const bridge: IpcBridge = {
    send: (frame) => {
      const copy = structuredClone(frame);
      setImmediate(() => server.receive(peer, copy));
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const wsClient = createWSClient({
    url: 'ipc://codeface',
    WebSocket: createIpcWebSocketClass(bridge),
  });
  const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  return {
    api,
    server,
    peer,
    /** Closes the socket from the renderer's side, as its keep-alive does; the client reconnects. */
    dropConnection: () => wsClient.connection?.ws?.close(),
    close: () => wsClient.close(),
  };
}

describe('Electron IPC transport (no Electron needed)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ maxAnswerTokens: 4096 });
  }, 60_000);
  afterAll(async () => {
    await removeTestHost(host);
  });

  it('runs queries, mutations and typed errors over the channel', async () => {
    const ipc = connectOverIpc(host);
    try {
      const chat = await ipc.api.chats.create.mutate({ title: 'Over IPC' });
      expect((await ipc.api.chats.list.query()).map((candidate) => candidate.id)).toContain(
        chat.id,
      );
      await expect(ipc.api.chats.get.query({ chatId: 'missing' })).rejects.toThrow(
        'That chat no longer exists.',
      );
    } finally {
      await ipc.close();
    }
  });

  it('ignores frames that do not match the protocol', async () => {
    const ipc = connectOverIpc(host);
    try {
      ipc.server.receive(ipc.peer, { type: 'message', connection: -1, data: 'x' });
      ipc.server.receive(ipc.peer, 'not a frame');
      expect(await ipc.api.platform.info.query()).toMatchObject({ kind: 'web' });
    } finally {
      await ipc.close();
    }
  });

  it('resumes an answer after the renderer reconnects, where it was', async () => {
    const ipc = connectOverIpc(host);
    const model = await ipc.api.models.import.mutate({ path: host.modelPath });
    await ipc.api.models.load.mutate({ modelId: model.id });
    // IPC has no backpressure to merge deltas by: a short answer keeps the test short.
    const { maxAnswerTokens } = await ipc.api.settings.get.query();
    await ipc.api.settings.update.mutate({ maxAnswerTokens: 200 });
    try {
      const chat = await ipc.api.chats.create.mutate({});
      const run = generate(ipc.api, { kind: 'send', chatId: chat.id, content: 'resume over ipc' });
      await run.firstDelta;
      ipc.dropConnection();
      const events = await run.finished;
      expect(events.filter((event) => event.type === 'started')).toHaveLength(1);
      const branch = await ipc.api.messages.branch.query({ chatId: chat.id });
      expect(branch.map((message) => message.status)).toEqual(['done', 'done']);
      expect(textOf(events)).toBe(branch[1]?.content);
    } finally {
      await ipc.api.settings.update.mutate({ maxAnswerTokens });
      await ipc.close();
    }
  }, 60_000);

  it('streams a generation, and a window that goes away stops it', async () => {
    const ipc = connectOverIpc(host);
    const model = await ipc.api.models.import.mutate({ path: host.modelPath });
    await ipc.api.models.load.mutate({ modelId: model.id });
    const chat = await ipc.api.chats.create.mutate({});
    const run = generate(ipc.api, { kind: 'send', chatId: chat.id, content: 'stream over ipc' });
    await run.firstDelta;
    expect(run.events[0]?.type).toBe('started');
    ipc.server.dropPeer(ipc.peer.id);
    const messages = await waitFor(
      () => Promise.resolve(host.runtime.services.chats.branch(chat.id)),
      (branch) => branch[1]?.status !== 'streaming',
    );
    expect(messages[1]?.status).toBe('interrupted');
    await ipc.close();
  }, 60_000);

  it('leaves an answer to the window that started it when another window that showed it goes', async () => {
    const popup = connectOverIpc(host);
    const main = connectOverIpc(host, { server: popup.server, windowId: 'window-2' });
    const model = await popup.api.models.import.mutate({ path: host.modelPath });
    await popup.api.models.load.mutate({ modelId: model.id });
    try {
      // The quick ask writes an answer; the main window opens its chat, shows it, and reloads.
      const chat = await popup.api.chats.create.mutate({});
      const asked = generate(popup.api, { kind: 'send', chatId: chat.id, content: 'two windows' });
      await asked.firstDelta;
      const started = asked.events[0];
      if (started?.type !== 'started') throw new Error('the answer did not start');
      const shown = generate(main.api, {
        kind: 'follow',
        messageId: started.assistantMessage.id,
      });
      await shown.firstDelta;
      main.server.dropPeer(main.peer.id);
      const events = await asked.finished;
      expect(events.at(-1)).toMatchObject({ type: 'done', stopped: false });
    } finally {
      await Promise.all([popup.close(), main.close()]);
    }
  }, 60_000);
});

describe('Electron IPC transport to a locked app', () => {
  it('serves the unlock screen over the gate the main process serves, and opens after it', async () => {
    const encrypted = await startTestHost({ passphrase: 'correct horse' });
    await encrypted.close();
    const host = await startTestHost({ dataDir: encrypted.dataDir });
    // The main process's context (main/index.ts): the connection's facts go into the gate's.
    const ipc = connectOverIpc(host, {
      createContext: (connection) => gateContext(host.gate, connection),
    });
    try {
      expect(await ipc.api.lock.status.query()).toMatchObject({ locked: true });
      expect((await rejection(ipc.api.chats.list.query({}))).data?.reason).toBe('locked');
      expect(await ipc.api.lock.unlock.mutate({ passphrase: 'correct horse' })).toEqual({
        locked: false,
      });
      expect(await ipc.api.chats.list.query({})).toEqual([]);
    } finally {
      await ipc.close();
      await removeTestHost(host);
      await rm(encrypted.rendererDir, { recursive: true, force: true });
    }
  }, 60_000);
});
