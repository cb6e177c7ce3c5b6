import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useLoadedHost } from '../support/test-host';
import { waitFor } from '../support/collect';

/**
 * Broke: when the WebSocket dropped mid-answer, the tRPC client reconnected and sent the open
 * `generate` subscription again, and the server started the same turn a second time: the
 * question was saved twice and a second answer was written.
 */
describe('a connection that drops while an answer streams', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 4096 });

  it('keeps one question and one answer, saved as interrupted', async () => {
    const { client } = loaded;
    const chat = await client.api.chats.create.mutate({});
    let completed = false;
    await new Promise<void>((resolve, reject) => {
      let dropped = false;
      client.api.messages.generate.subscribe(
        { kind: 'send', chatId: chat.id, content: 'keep going', requestId: randomUUID() },
        {
          onData(event) {
            if (event.type === 'delta' && !dropped) {
              dropped = true;
              client.dropConnection();
            }
          },
          onError: reject,
          onComplete() {
            completed = true;
            resolve();
          },
        },
      );
    });
    // The re-sent subscription ended without starting anything.
    expect(completed).toBe(true);
    const branch = await waitFor(
      () => client.api.messages.branch.query({ chatId: chat.id }),
      (messages) => messages.every((message) => message.status !== 'streaming'),
    );
    expect(branch.map((message) => [message.role, message.status])).toEqual([
      ['user', 'done'],
      ['assistant', 'interrupted'],
    ]);
    expect(branch.map((message) => message.siblingIds.length)).toEqual([1, 1]);
    expect(branch[0]?.content).toBe('keep going');
  }, 60_000);
});
