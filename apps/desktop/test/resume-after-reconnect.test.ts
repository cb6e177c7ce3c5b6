import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../src/api';
import { tradeRunToken } from '../src/api/transport';
import { connectClient, useLoadedHost, type TestClient } from './support/test-host';
import { textOf } from './support/collect';

type Numbered = { id: string; data: GenerationEvent };

/**
 * The WebSocket drops while an answer streams (a network, a missed keep-alive). The tRPC client
 * reconnects and sends the subscription again with the id of the last event it had; the answer
 * goes on where it was (0409). Broke before: the turn started a second time (the question saved
 * twice); then, with a request id, the answer stopped at the drop.
 */
describe('a connection that drops while an answer streams', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 200 });

  it('resumes the answer: every character once, the same text as saved, one turn', async () => {
    const { client } = loaded;
    const chat = await client.api.chats.create.mutate({});
    let deltasAfterDrop = 0;
    const events = await new Promise<Numbered[]>((resolve, reject) => {
      const seen: Numbered[] = [];
      let dropped = false;
      client.api.messages.generate.subscribe(
        { kind: 'send', chatId: chat.id, content: 'keep going' },
        {
          onData(event) {
            seen.push(event);
            if (dropped && event.data.type === 'delta') deltasAfterDrop++;
            if (event.data.type === 'delta' && !dropped) {
              dropped = true;
              client.dropConnection();
            }
            if (event.data.type === 'done' || event.data.type === 'error') resolve(seen);
          },
          onError: reject,
        },
      );
    });
    const data = events.map((event) => event.data);
    expect(data.map((event) => event.type).filter((type) => type !== 'delta')).toEqual([
      'started',
      'done',
    ]);
    expect(deltasAfterDrop).toBeGreaterThan(0);
    // No event twice: each id is new, and each delta's id counts the characters so far.
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    let characters = 0;
    for (const event of events) {
      if (event.data.type !== 'delta') continue;
      characters += event.data.text.length;
      expect(event.id.endsWith(`:${characters}`)).toBe(true);
    }

    const branch = await client.api.messages.branch.query({ chatId: chat.id });
    expect(branch.map((message) => [message.role, message.status])).toEqual([
      ['user', 'done'],
      ['assistant', 'done'],
    ]);
    expect(branch.map((message) => message.siblingIds.length)).toEqual([1, 1]);
    expect(textOf(data)).toBe(branch[1]?.content);
    expect(data.at(-1)).toMatchObject({ completionTokens: branch[1]?.completionTokens });
  }, 60_000);

  it('stops the answer of a page that went away (close code 1001) without waiting to be resumed', async () => {
    const page = connectClient(loaded.host);
    const chat = await page.api.chats.create.mutate({});
    await new Promise<void>((resolve, reject) => {
      page.api.messages.generate.subscribe(
        { kind: 'send', chatId: chat.id, content: 'write a long answer' },
        {
          onData(event) {
            if (event.data.type !== 'delta') return;
            // The page is gone before its unsubscribe could leave: only the close code says so.
            void page.leavePage().then(resolve, reject);
          },
          onError: reject,
        },
      );
    });
    // Well inside the 30 s an answer waits for a client that dropped.
    await expect
      .poll(
        async () => {
          const branch = await loaded.client.api.messages.branch.query({ chatId: chat.id });
          return branch.at(-1)?.status;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('interrupted');
  }, 60_000);
});

/** Long answers (the tiny model writes 200 tokens in a fraction of a second). */
describe('a new page in a tab (a reload)', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 4096 });

  /** Starts a long answer on `page` and calls `cut` at its first delta; resolves with its last id. */
  const answerUntilCut = (
    page: TestClient,
    chatId: string,
    cut: (lastEventId: string) => void | Promise<void>,
  ): Promise<string> =>
    new Promise((resolve, reject) => {
      let cutDone = false;
      page.api.messages.generate.subscribe(
        { kind: 'send', chatId, content: 'write a long answer' },
        {
          onData(event) {
            if (event.data.type !== 'delta' || cutDone) return;
            cutDone = true;
            void Promise.resolve(cut(event.id)).then(() => resolve(event.id), reject);
          },
          onError: reject,
        },
      );
    });

  const lastStatus = async (page: TestClient, chatId: string) =>
    (await page.api.messages.branch.query({ chatId })).at(-1)?.status;

  it('stops the answer its earlier page left waiting, before the new page reads it', async () => {
    const { host } = loaded;
    const secret = (await tradeRunToken(host.origin, host.token)) ?? '';
    const page = connectClient(host, { secret });
    const chat = await page.api.chats.create.mutate({});
    await answerUntilCut(page, chat.id, async () => {
      // Cut without a close frame (code 1006), as a reloading page's socket sometimes is.
      page.dropConnection();
      await page.close();
    });
    // The reloaded page: the same tab, a page id of its own, nothing to resume. Its first read
    // already shows the answer stopped (the read waits for a stopping answer to be saved).
    const reloaded = connectClient(host, { secret });
    expect(await lastStatus(reloaded, chat.id)).toBe('interrupted');
    await reloaded.close();
  }, 60_000);

  it("stops it too when the earlier page's socket is found dead only after the new page opened", async () => {
    const { host } = loaded;
    const secret = (await tradeRunToken(host.origin, host.token)) ?? '';
    const page = connectClient(host, { secret });
    const chat = await page.api.chats.create.mutate({});
    const reloaded = connectClient(host, { secret });
    await answerUntilCut(page, chat.id, async () => {
      await reloaded.api.chats.list.query({ includeArchived: false });
      page.dropConnection();
      await page.close();
    });
    await expect
      .poll(() => lastStatus(reloaded, chat.id), { timeout: 5_000, interval: 100 })
      .toBe('interrupted');
    await reloaded.close();
  }, 60_000);

  it('leaves an answer to the page that started it when another page that showed it closes', async () => {
    const { host } = loaded;
    const page = connectClient(host);
    const otherTab = connectClient(host);
    const chat = await page.api.chats.create.mutate({});
    let otherTabLeft: Promise<void> | null = null;
    const ending = await new Promise<GenerationEvent>((resolve, reject) => {
      page.api.messages.generate.subscribe(
        { kind: 'send', chatId: chat.id, content: 'write a long answer' },
        {
          onData({ data }) {
            if (data.type === 'done' || data.type === 'error') resolve(data);
            if (data.type !== 'started') return;
            // Another tab opens the chat, shows the answer growing, and is closed.
            otherTab.api.messages.generate.subscribe(
              { kind: 'follow', messageId: data.assistantMessage.id },
              {
                onData({ data: shown }) {
                  if (shown.type === 'delta') otherTabLeft ??= otherTab.leavePage();
                },
                onError: reject,
              },
            );
          },
          onError: reject,
        },
      );
    });
    expect(otherTabLeft).not.toBeNull();
    expect(ending).toMatchObject({ type: 'done', stopped: false });
    await Promise.all([otherTabLeft, page.close()]);
  }, 60_000);

  it("keeps an answer the new page follows when the earlier page's socket is found dead", async () => {
    const { host } = loaded;
    const secret = (await tradeRunToken(host.origin, host.token)) ?? '';
    const page = connectClient(host, { secret });
    const chat = await page.api.chats.create.mutate({});
    const reloaded = connectClient(host, { secret });
    const ending = new Promise<GenerationEvent>((resolve, reject) => {
      void answerUntilCut(page, chat.id, (lastEventId) => {
        // The new page follows the answer from where the old one was...
        reloaded.api.messages.generate.subscribe(
          { kind: 'send', chatId: chat.id, content: 'write a long answer', lastEventId },
          {
            onData({ data }) {
              // ...and only then is the old page's socket found dead: the answer goes on.
              if (data.type === 'delta') page.dropConnection();
              if (data.type === 'done' || data.type === 'error') resolve(data);
            },
            onError: reject,
          },
        );
      }).catch(reject);
    });
    expect(await ending).toMatchObject({ type: 'done', stopped: false });
    expect(await lastStatus(reloaded, chat.id)).toBe('done');
    await Promise.all([page.close(), reloaded.close()]);
  }, 60_000);
});
