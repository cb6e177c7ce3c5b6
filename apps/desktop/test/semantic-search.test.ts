import { ensureTinyEmbeddingModel } from '@codeface/inference/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, waitFor } from './support/collect';
import { startLoadedHost, stopLoadedHost } from './support/test-host';
import type { TestClient, TestHost } from './support/test-host';

const conversation = (chatId: string, texts: string[]) =>
  JSON.stringify({
    format: 'codeface.chats',
    version: 2,
    exportedAt: 0,
    chats: [
      {
        chat: {
          id: chatId,
          title: 'Semantic',
          model: null,
          preset: null,
          systemPrompt: null,
          source: 'chat',
          pinned: false,
          archived: false,
          createdAt: 0,
          updatedAt: 0,
        },
        messages: texts.map((content, index) => ({
          id: `m${index}`,
          chatId,
          parentId: index === 0 ? null : `m${index - 1}`,
          role: index % 2 === 0 ? 'user' : 'assistant',
          content,
          status: 'done',
          model: null,
          completionTokens: null,
          timeToFirstTokenMs: null,
          tokensPerSecond: null,
          stopReason: null,
          createdAt: index,
        })),
      },
    ],
  });

describe('semantic search with the generated embedding model', () => {
  let host: TestHost;
  let client: TestClient;

  beforeAll(async () => {
    ({ host, client } = await startLoadedHost({
      embeddingModel: await ensureTinyEmbeddingModel(),
      maxAnswerTokens: 4096,
    }));
  }, 60_000);
  afterAll(() => stopLoadedHost({ host, client }));

  it('embeds messages in the background and finds them by hybrid search', async () => {
    expect((await client.api.search.indexStatus.query()).available).toBe(true);
    await client.api.chats.import.mutate({
      content: conversation('s1', [
        'function parse return const let',
        'import export class def self print',
        'while for if else var',
      ]),
    });
    const status = await waitFor(
      () => client.api.search.indexStatus.query(),
      (current) => current.pending === 0 && current.state === 'idle',
    );
    expect(status.indexedThisRun).toBeGreaterThanOrEqual(3);
    expect(status.error).toBeNull();

    const hits = await client.api.search.semantic.query({ query: 'import export class def' });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.some((hit) => hit.matchedBy.includes('semantic'))).toBe(true);
    // Each hit carries its real cosine distance when found by meaning, and none otherwise.
    for (const hit of hits) {
      if (hit.matchedBy.includes('semantic')) expect(hit.distance).toBeGreaterThanOrEqual(0);
      else expect(hit.distance).toBeNull();
    }
    // A text match found both ways ranks first.
    expect(hits[0]?.matchedBy).toEqual(expect.arrayContaining(['text', 'semantic']));
  }, 60_000);

  it('pauses indexing while the model generates', async () => {
    const chat = await client.api.chats.create.mutate({});
    const run = generate(client.api, {
      kind: 'send',
      chatId: chat.id,
      content: 'a long answer please',
    });
    await run.firstDelta;
    expect((await client.api.search.indexStatus.query()).state).toBe('paused');
    run.unsubscribe();
    const after = await waitFor(
      () => client.api.search.indexStatus.query(),
      (current) => current.state === 'idle' && current.pending === 0,
    );
    expect(after.state).toBe('idle');
  }, 60_000);
});
