import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, textOf, waitFor } from './support/collect';
import { startScriptedOpenAIServer } from './support/scripted-openai-server';
import type { ScriptedOpenAIServer } from './support/scripted-openai-server';
import { connectClient, removeTestHost, startTestHost } from './support/test-host';
import type { TestClient, TestHost } from './support/test-host';

const API_KEY = 'sk-remote-0123456789';

/** Every file of the data folder, as text, to look for a secret that should not be there. */
function dataFolderText(dir: string, skip: string[]): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !skip.includes(entry.name))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'))
    .join('\n');
}

describe('remote model servers through the app API', { timeout: 60_000 }, () => {
  let remote: ScriptedOpenAIServer;
  let slow: ScriptedOpenAIServer;
  let host: TestHost;
  let client: TestClient;

  beforeAll(async () => {
    remote = await startScriptedOpenAIServer({
      apiKey: API_KEY,
      models: [{ id: 'qwen2.5-coder:7b', contextLength: 600 }, { id: 'no-length' }],
      answer: (request) =>
        `Remote answer number ${request.messages.filter((m) => m.role === 'user').length} from ${request.model}.`,
    });
    slow = await startScriptedOpenAIServer({
      models: [{ id: 'slow' }],
      answer: () => 'word '.repeat(400),
      wordMs: 20,
    });
    host = await startTestHost();
    client = connectClient(host);
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await removeTestHost(host);
    await remote.close();
    await slow.close();
  });

  it('says in a sentence what is wrong with an address or a key', async () => {
    const { api } = client;
    const closed = await startScriptedOpenAIServer({ models: [], answer: () => '' });
    await closed.close();
    await expect(
      api.remoteServers.test.mutate({ url: `${closed.origin}/v1` }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^Nothing answers at 127\.0\.0\.1:\d+: check the address/),
      data: { reason: 'model-server-error' },
    });
    await expect(
      api.remoteServers.test.mutate({ url: remote.origin, apiKey: 'wrong' }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/refused the API key \(HTTP 401\)/) });
    await expect(api.remoteServers.test.mutate({ url: remote.origin })).rejects.toMatchObject({
      message: expect.stringMatching(/needs an API key/),
    });
    await expect(
      api.remoteServers.test.mutate({ url: `${remote.origin}/api`, apiKey: API_KEY }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/does not exist \(HTTP 404\)/) });
    await expect(api.remoteServers.test.mutate({ url: 'ftp://example.com' })).rejects.toMatchObject(
      { data: { reason: 'invalid-input' } },
    );
  });

  it('lists the models of a server, adding /v1 to a bare address', async () => {
    expect(
      await client.api.remoteServers.test.mutate({ url: remote.origin, apiKey: API_KEY }),
    ).toEqual({ baseUrl: `${remote.origin}/v1`, models: ['qwen2.5-coder:7b', 'no-length'] });
  });

  it('adds a server, keeping its key in the secret store only', async () => {
    const server = await client.api.remoteServers.add.mutate({
      url: `${remote.origin}/`,
      apiKey: API_KEY,
      contextSize: 2048,
    });
    expect(server).toMatchObject({
      baseUrl: `${remote.origin}/v1`,
      host: new URL(remote.origin).host,
      hasApiKey: true,
      contextSize: 2048,
    });
    expect(JSON.stringify(await client.api.remoteServers.list.query())).not.toContain(API_KEY);
    // The key is in secrets.json (a 0600 file) and nowhere else in the data folder.
    expect(readFileSync(join(host.dataDir, 'secrets.json'), 'utf8')).toContain(API_KEY);
    expect(dataFolderText(host.dataDir, ['secrets.json'])).not.toContain(API_KEY);
  });

  it('lists its models beside the local ones and loads one', async () => {
    const [listed] = await client.api.remoteServers.models.query();
    expect(listed?.error).toBeNull();
    const model = listed?.models.find((m) => m.name === 'qwen2.5-coder:7b');
    expect(model).toMatchObject({ host: new URL(remote.origin).host, contextLength: 600 });
    const info = await client.api.models.load.mutate({ modelId: model?.id ?? '' });
    expect(info).toMatchObject({
      loadedModel: model?.id,
      loadedModelName: 'qwen2.5-coder:7b',
      remoteHost: new URL(remote.origin).host,
      // The server reports the model's length; the server's own setting is for the others.
      contextSize: 600,
    });
    expect((await client.api.settings.get.query()).defaultModelId).toBe(model?.id);
  });

  it('names the model loaded last once none is loaded, for the quick ask to offer', async () => {
    const info = await client.api.models.unload.mutate();
    expect(info.loadedModel).toBeNull();
    expect(info.loadedModelName).toBeNull();
    expect(info.lastModel).toEqual({
      id: (await client.api.settings.get.query()).defaultModelId,
      name: 'qwen2.5-coder:7b',
    });
    await client.api.models.load.mutate({ modelId: info.lastModel?.id ?? '' });
  });

  it('chats with the remote model, with the preset and the key, and finds the answer', async () => {
    const { api } = client;
    const chat = await api.chats.create.mutate({ title: 'remote', preset: 'explain' });
    const events = await generate(api, {
      kind: 'send',
      chatId: chat.id,
      content: 'What does this do?',
    }).finished;
    expect(textOf(events)).toBe('Remote answer number 1 from qwen2.5-coder:7b.');
    const request = remote.chats.at(-1);
    expect(request?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.messages[0]?.role).toBe('system');
    expect(request?.messages.at(-1)).toEqual({ role: 'user', content: 'What does this do?' });
    const branch = await api.messages.branch.query({ chatId: chat.id });
    expect(branch.at(-1)).toMatchObject({
      status: 'done',
      model: expect.stringMatching(/^remote:/),
    });
    const hits = await api.search.fullText.query({ query: 'Remote answer number' });
    expect(hits.map((hit) => hit.chatId)).toContain(chat.id);
  });

  it("keeps the prompt inside the server's context length", async () => {
    const { api } = client;
    const chat = await api.chats.create.mutate({ title: 'budget' });
    for (let turn = 0; turn < 4; turn++) {
      await generate(api, { kind: 'send', chatId: chat.id, content: 'x'.repeat(400) }).finished;
    }
    const events = await generate(api, { kind: 'send', chatId: chat.id, content: 'last' }).finished;
    const started = events.find((event) => event.type === 'started');
    expect(started?.type === 'started' && started.omittedMessages).toBeGreaterThan(0);
    const sent = remote.chats.at(-1)?.messages ?? [];
    expect(sent.map((m) => m.content.length).reduce((a, b) => a + b, 0)).toBeLessThan(600 * 3);
  });

  it('stops a remote answer, hanging up on the server', async () => {
    const { api } = client;
    await api.remoteServers.add.mutate({ url: slow.origin });
    const [, slowServer] = await api.remoteServers.models.query();
    await api.models.load.mutate({ modelId: slowServer?.models[0]?.id ?? '' });
    expect((await api.models.info.query()).contextSize).toBe(8192);
    const chat = await api.chats.create.mutate({ title: 'stop' });
    const generation = generate(api, { kind: 'send', chatId: chat.id, content: 'go' });
    await generation.firstDelta;
    generation.unsubscribe();
    const [, stopped] = await api.messages.branch.query({ chatId: chat.id });
    expect(stopped).toMatchObject({ status: 'interrupted' });
    await waitFor(
      () => Promise.resolve(slow.hangUps()),
      (count) => count === 1,
    );
  });

  it('forgets a server and unloads its model when it is removed', async () => {
    const { api } = client;
    const servers = await api.remoteServers.list.query();
    const slowServer = servers.find((server) => server.baseUrl.startsWith(slow.origin));
    await api.remoteServers.remove.mutate({ serverId: slowServer?.id ?? '' });
    expect((await api.models.info.query()).loadedModel).toBeNull();
    expect(await api.remoteServers.list.query()).toHaveLength(1);
  });
});
