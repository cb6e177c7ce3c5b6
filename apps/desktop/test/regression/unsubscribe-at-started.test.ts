import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../../src/api';
import { useLoadedHost } from '../support/test-host';

/**
 * Broke: a client that unsubscribed right at the `started` event left the answer `streaming`
 * for good, and reading the chat then waited forever for a stop that never finished.
 */
describe('unsubscribing at the first event', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 4096 });

  it('still saves the answer as interrupted and the chat reads at once', async () => {
    const { client } = loaded;
    const chat = await client.api.chats.create.mutate({});
    const started = await new Promise<GenerationEvent>((resolve) => {
      const subscription = client.api.messages.generate.subscribe(
        { kind: 'send', chatId: chat.id, content: 'leave at once' },
        {
          onData({ data: event }) {
            subscription.unsubscribe();
            resolve(event);
          },
        },
      );
    });
    expect(started.type).toBe('started');
    const branch = await client.api.messages.branch.query({ chatId: chat.id });
    expect(branch.map((message) => message.status)).toEqual(['done', 'interrupted']);
  }, 60_000);
});
