import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useLoadedHost } from './support/test-host';
import { generate, textOf } from './support/collect';
import type { GenerationEvent } from '../src/api';

const doneOf = (events: GenerationEvent[]) => {
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`The answer ended in ${JSON.stringify(done)}.`);
  return done;
};

/**
 * The maximum answer length (issue 18): the tiny model never ends its turn on its own, as a
 * model that does not stop would not, so every answer here runs into the limit.
 */
describe('the maximum answer length', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 16 });

  it('cuts an answer at the setting, records why, and continues the same answer', async () => {
    const { api } = loaded.client;
    const chat = await api.chats.create.mutate({});
    const first = await generate(api, { kind: 'send', chatId: chat.id, content: 'go on' }).finished;
    expect(doneOf(first)).toMatchObject({
      completionTokens: 16,
      stopReason: 'max-tokens',
      stopped: false,
    });
    const [, cut] = await api.messages.branch.query({ chatId: chat.id });
    expect(cut).toMatchObject({ status: 'done', stopReason: 'max-tokens', completionTokens: 16 });
    if (!cut) throw new Error('No answer was saved.');

    const more = await generate(api, { kind: 'continue', messageId: cut.id }).finished;
    const started = more[0];
    expect(started?.type === 'started' && started.assistantMessage.id).toBe(cut.id);
    expect(doneOf(more)).toMatchObject({ completionTokens: 32, stopReason: 'max-tokens' });
    const branch = await api.messages.branch.query({ chatId: chat.id });
    // Still one question and one answer: the answer grew, no sibling was added.
    expect(branch.map((m) => [m.role, m.siblingIds.length])).toEqual([
      ['user', 1],
      ['assistant', 1],
    ]);
    expect(branch[1]?.content).toBe(cut.content + textOf(more));
    expect(textOf(more).length).toBeGreaterThan(0);
    expect(branch[1]).toMatchObject({
      status: 'done',
      completionTokens: 32,
      stopReason: 'max-tokens',
    });
  }, 60_000);

  it('takes a preset’s own limit over the setting', async () => {
    const { api } = loaded.client;
    const preset = await api.presets.save.mutate({
      name: 'Short',
      systemPrompt: 'Be brief.',
      maxAnswerTokens: 24,
    });
    const chat = await api.chats.create.mutate({ preset: preset.id });
    const events = await generate(api, { kind: 'send', chatId: chat.id, content: 'hi' }).finished;
    expect(doneOf(events)).toMatchObject({ completionTokens: 24, stopReason: 'max-tokens' });
  }, 60_000);

  it('applies to the local API when a request sets no max_tokens, which then says "length"', async () => {
    const { host } = loaded;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const local = await host.runtime.services.localApi.configure({ enabled: true, port });
    const model = local.model ?? '';
    const ask = async (extra: Record<string, unknown>) => {
      const response = await fetch(`${local.baseUrl ?? ''}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${local.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'go' }], ...extra }),
      });
      return (await response.json()) as {
        choices: { finish_reason: string }[];
        usage: { completion_tokens: number };
      };
    };
    try {
      expect(await ask({})).toMatchObject({
        choices: [{ finish_reason: 'length' }],
        usage: { completion_tokens: 16 },
      });
      // A request's own limit stands.
      expect(await ask({ max_tokens: 5 })).toMatchObject({ usage: { completion_tokens: 5 } });
    } finally {
      await host.runtime.services.localApi.configure({ enabled: false, port });
    }
  }, 60_000);

  it('refuses a limit out of range with a sentence', async () => {
    await expect(loaded.client.api.settings.update.mutate({ maxAnswerTokens: 4 })).rejects.toThrow(
      'The maximum answer length must be between 16 and 131,072 tokens.',
    );
  });

  it('cannot continue a question', async () => {
    const { api } = loaded.client;
    const chat = await api.chats.create.mutate({});
    await generate(api, { kind: 'send', chatId: chat.id, content: 'q' }).finished;
    const [question] = await api.messages.branch.query({ chatId: chat.id });
    await expect(
      generate(api, { kind: 'continue', messageId: question?.id ?? '' }).finished,
    ).rejects.toThrow('Only a finished answer can be continued.');
  }, 60_000);
});
