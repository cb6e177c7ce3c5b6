import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './support/collect';
import { connectClient, removeTestHost, startLoadedHost, startTestHost } from './support/test-host';
import type { TestClient, TestHost } from './support/test-host';

/** A first message long enough for its chat's state to be saved (64 tokens at least). */
const LONG_MESSAGE = `Review this function and name what it does:\n${'function step(x) { return x * 2 + 1; }\n'.repeat(6)}`;

async function lastDone(client: TestClient, chatId: string, content: string) {
  const events = await generate(client.api, { kind: 'send', chatId, content }).finished;
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`ended with ${JSON.stringify(done)}`);
  return done;
}

describe('chat model states in the data folder (0208)', { timeout: 180_000 }, () => {
  const opened: { host: TestHost; client: TestClient }[] = [];
  afterAll(async () => {
    for (const { host, client } of opened) {
      await client.close();
      await removeTestHost(host);
    }
  });

  it('saves a chat when the app closes, answers from it after a restart, and deletes it with its chat', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codeface-states-'));
    const first = await startLoadedHost({ dataDir });
    const chat = await first.client.api.chats.create.mutate({});
    const answer = await lastDone(first.client, chat.id, LONG_MESSAGE);
    expect(answer.restoredTokens).toBe(0);
    // Closing the app saves the open chat's state.
    await first.client.close();
    await first.host.close();
    await rm(first.host.rendererDir, { recursive: true, force: true });
    expect((await readdir(join(dataDir, 'chat-states'))).some((f) => f.endsWith('.kv'))).toBe(true);

    // Started again: the last model loads, and the chat's follow-up reads its state back.
    const host = await startTestHost({ dataDir });
    const client = connectClient(host);
    opened.push({ host, client });
    expect(await client.api.models.savedStates.query()).toMatchObject({ chats: 1 });
    const followUp = await lastDone(client, chat.id, 'And what would you rename?');
    // At least the whole first prompt comes back from disk, not evaluated again.
    expect(followUp.restoredTokens).toBeGreaterThanOrEqual(answer.promptTokens - 1);
    expect(followUp.reusedTokens).toBe(followUp.restoredTokens);

    // A budget of 0 keeps nothing; the budget given back lets the next save stay.
    await client.api.settings.update.mutate({ chatStatesBudgetGb: 0 });
    await expect
      .poll(() => client.api.models.savedStates.query())
      .toMatchObject({ chats: 0, budgetBytes: 0 });
    await client.api.settings.update.mutate({ chatStatesBudgetGb: 1 });
    // Unloading the model saves the chat again; deleting the chat deletes its state.
    await client.api.models.unload.mutate();
    expect(await client.api.models.savedStates.query()).toMatchObject({
      chats: 1,
      budgetBytes: 1024 ** 3,
    });
    await client.api.chats.delete.mutate({ chatId: chat.id });
    await expect.poll(() => client.api.models.savedStates.query()).toMatchObject({ chats: 0 });
  });

  it('clears every saved state on request', async () => {
    const host = await startTestHost();
    const client = connectClient(host);
    opened.push({ host, client });
    const model = await client.api.models.import.mutate({ path: host.modelPath });
    await client.api.models.load.mutate({ modelId: model.id });
    const chat = await client.api.chats.create.mutate({});
    await lastDone(client, chat.id, LONG_MESSAGE);
    await client.api.models.unload.mutate();
    expect(await client.api.models.savedStates.query()).toMatchObject({ chats: 1 });
    expect(await client.api.models.clearSavedStates.mutate()).toMatchObject({
      chats: 0,
      bytes: 0,
    });
  });
});
