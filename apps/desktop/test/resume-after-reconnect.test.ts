import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../src/api';
import { tradeRunToken } from '../src/api/transport';
import { connectClient, useLoadedHost } from './support/test-host';
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
describe('a tab that connects again', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 4096 });

  it('stops the answer it does not resume (a reload whose socket was cut)', async () => {
    const { host } = loaded;
    const secret = (await tradeRunToken(host.origin, host.token)) ?? '';
    const page = connectClient(host, { secret });
    const chat = await page.api.chats.create.mutate({});
    await new Promise<void>((resolve, reject) => {
      page.api.messages.generate.subscribe(
        { kind: 'send', chatId: chat.id, content: 'write a long answer' },
        {
          onData(event) {
            if (event.data.type !== 'delta') return;
            // Cut without a close frame (code 1006), as a reloading page's socket sometimes is.
            page.dropConnection();
            void page.close().then(resolve, reject);
          },
          onError: reject,
        },
      );
    });
    // The reloaded page: the same tab, a new connection, nothing to resume.
    const reloaded = connectClient(host, { secret });
    await reloaded.api.chats.list.query({ includeArchived: false });
    await expect
      .poll(
        async () => {
          const branch = await reloaded.api.messages.branch.query({ chatId: chat.id });
          return branch.at(-1)?.status;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('interrupted');
    await reloaded.close();
  }, 60_000);
});
