import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@codeface/db';
import { DATABASE_FILE } from '../src/api/compose';
import { generate } from './support/collect';
import { startLoadedHost } from './support/test-host';
import type { LoadedHost } from './support/test-host';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';

describe('the quick ask over the app API', () => {
  const loaded = {} as LoadedHost;
  beforeAll(async () => {
    Object.assign(loaded, await startLoadedHost({ maxAnswerTokens: 300 }));
  }, 60_000);
  // The last test closes the runtime as quitting does; the rest of the host goes here.
  afterAll(async () => {
    await loaded.client.close();
    await loaded.host.close().catch(() => undefined);
    await rm(loaded.host.rendererDir, { recursive: true, force: true });
    await rm(loaded.host.dataDir, { recursive: true, force: true });
  });

  it('says the web host has no global hotkey, and leaves the clipboard to the page', async () => {
    const { client } = loaded;
    const status = await client.api.quickAsk.hotkeyStatus.query();
    expect(status.state).toBe('unsupported');
    expect(status.state === 'unsupported' && status.message).toMatch(/only in the desktop app/);
    expect(await client.api.quickAsk.context.query()).toBeNull();
  });

  it('keeps the hotkey as a setting (saved for the desktop app) and refuses one that is not', async () => {
    const { client } = loaded;
    expect((await client.api.settings.get.query()).quickAskHotkey).toBe(
      'CommandOrControl+Shift+Space',
    );
    const saved = await client.api.settings.update.mutate({ quickAskHotkey: 'alt+shift+k' });
    expect(saved.quickAskHotkey).toBe('Alt+Shift+K');
    const refused = await client.api.settings.update
      .mutate({ quickAskHotkey: 'Shift+K' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as Error).message).toMatch(/Add Ctrl, Alt or Cmd/);
    expect((await client.api.settings.get.query()).quickAskHotkey).toBe('Alt+Shift+K');
  });

  it('evaluates the question while it is typed, so its first turn evaluates one token', async () => {
    const { client } = loaded;
    const question = { preset: 'explain', content: 'what does this regex do?\n\n```\n^a+$\n```' };
    expect((await client.api.quickAsk.prefill.mutate(question)).tokens).toBeGreaterThan(0);
    const chat = await client.api.chats.create.mutate({
      source: 'quick-ask',
      preset: question.preset,
      title: 'what does this regex do?',
    });
    const events = await generate(client.api, {
      kind: 'send',
      chatId: chat.id,
      content: question.content,
    }).finished;
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`ended with ${JSON.stringify(done)}`);
    expect(done.promptTokens - done.reusedTokens).toBe(1);
    // Its next turn is an ordinary chat turn with its own cache, in the chat window or here.
    const next = await generate(client.api, { kind: 'send', chatId: chat.id, content: 'and ^b$?' })
      .finished;
    expect(next.at(-1)?.type).toBe('done');
  }, 60_000);

  it('saves an answer being written as interrupted, with its text, when the app quits', async () => {
    const { host, client } = loaded;
    const chat = await client.api.chats.create.mutate({});
    const run = generate(client.api, { kind: 'send', chatId: chat.id, content: 'Write a lot' });
    await run.firstDelta;
    await host.runtime.close();
    // Opening the store marks answers left `streaming` as interrupted, but never empties one.
    const store = openStore({ path: join(host.dataDir, DATABASE_FILE) });
    try {
      const messages = store.messages.listByChat(chat.id);
      expect(messages.map((message) => message.status)).toEqual(['done', 'interrupted']);
      expect(messages[1]?.content.length).toBeGreaterThan(0);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
    }
  }, 60_000);
});
