import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { LlamaCppEngine, OpenAICompatibleEngine, startOpenAIApiServer } from '../src/index';
import type { OpenAIApiServer } from '../src/api-server/openai-api-server';
import { collect } from './helpers';

const TOKEN = 'test-token-0123456789abcdef';

/** A raw HTTP server for the failures a well-behaved server never produces. */
async function startRawServer(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

const modelsBody = JSON.stringify({ object: 'list', data: [{ id: 'raw', object: 'model' }] });

describe('the local OpenAI-compatible API and OpenAICompatibleEngine, against each other', () => {
  const local = new LlamaCppEngine({ gpu: false });
  let api: OpenAIApiServer;
  let remote: OpenAICompatibleEngine;
  const rawServers: Server[] = [];

  beforeAll(async () => {
    await local.load(
      { id: 'tiny', path: await ensureTinyModel() },
      { contextSize: 4096, threads: 1 },
    );
    api = await startOpenAIApiServer({ engine: local, token: TOKEN });
    remote = new OpenAICompatibleEngine({ baseUrl: api.url, apiKey: TOKEN, timeoutMs: 10_000 });
    await remote.load({ id: 'tiny' });
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await local.dispose();
    for (const server of rawServers) server.closeAllConnections();
    await Promise.all(rawServers.map((s) => new Promise((r) => s.close(r))));
  });

  it('serves the loaded model on /v1/models, and only with the bearer token', async () => {
    const ok = await fetch(`${api.url}/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await ok.json()).toMatchObject({
      object: 'list',
      data: [{ id: 'tiny', object: 'model' }],
    });
    expect((await fetch(`${api.url}/models`)).status).toBe(401);
    expect(
      (await fetch(`${api.url}/models`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
  });

  it('streams the same greedy answer as the engine it serves', async () => {
    const messages = [{ role: 'user' as const, content: 'stream me' }];
    const direct = await collect(local.chat(messages, { maxTokens: 20, temperature: 0 }));
    const viaApi = await collect(remote.chat(messages, { maxTokens: 20, temperature: 0 }));
    expect(viaApi.deltas).toBeGreaterThan(1);
    expect(viaApi.text).toBe(direct.text);
    expect(viaApi.end).toMatchObject({ type: 'done', tokens: 20, stopReason: 'max-tokens' });
    if (viaApi.end?.type !== 'done' || direct.end?.type !== 'done')
      throw new Error('expected done');
    expect(viaApi.end.promptTokens).toBe(direct.end.promptTokens);
  });

  it('answers without streaming too', async () => {
    const response = await fetch(`${api.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'tiny',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'whole' }] }],
        max_tokens: 6,
        temperature: 0,
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant' }, finish_reason: 'length' }],
      usage: { completion_tokens: 6 },
    });
  });

  it('rejects a bad request body with a 400 that says what is wrong', async () => {
    const response = await fetch(`${api.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining('messages') },
    });
  });

  it('stops a streamed answer through the HTTP connection', async () => {
    const controller = new AbortController();
    const result = await collect(
      remote.chat(
        [{ role: 'user', content: 'go on' }],
        { maxTokens: 4000, temperature: 0 },
        controller.signal,
      ),
      (partial) => {
        if (partial.deltas === 2) controller.abort();
      },
    );
    expect(result.end).toMatchObject({ type: 'done', stopReason: 'aborted' });
    expect(result.text.length).toBeGreaterThan(0);
    // The engine behind the API is free again.
    const next = await collect(remote.chat([{ role: 'user', content: 'next' }], { maxTokens: 3 }));
    expect(next.end).toMatchObject({ type: 'done', tokens: 3 });
  });

  it('serves embeddings from the engine behind it', async () => {
    const [direct] = await local.embed(['same text']);
    const [viaApi] = await remote.embed(['same text']);
    expect(viaApi).toHaveLength(64);
    expect(viaApi).toEqual(direct);
  });

  it('says so when the key is wrong, or missing', async () => {
    const wrong = new OpenAICompatibleEngine({ baseUrl: api.url, apiKey: 'wrong-key' });
    await expect(wrong.load({ id: 'tiny' })).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/refused the API key \(HTTP 401\): check the key\.$/),
    });
    await expect(
      new OpenAICompatibleEngine({ baseUrl: api.url }).listModels(),
    ).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/needs an API key/),
    });
  });

  it('passes a response format on, so the server behind it answers in JSON', async () => {
    const format = {
      type: 'json-schema' as const,
      schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    };
    const result = await collect(
      remote.chat([{ role: 'user', content: 'json' }], {
        maxTokens: 100,
        temperature: 0,
        responseFormat: format,
      }),
    );
    expect(Object.keys(JSON.parse(result.text) as object)).toEqual(['ok']);
  });

  it("reports the server's context length, or the one it was told to assume", async () => {
    const { url, server } = await startRawServer((_req, res) => {
      res.end(
        JSON.stringify({
          object: 'list',
          data: [
            { id: 'vllm-style', object: 'model', max_model_len: 32768 },
            { id: 'lm-studio-style', object: 'model', loaded_context_length: 8192 },
            { id: 'silent', object: 'model', owned_by: 'x' },
          ],
        }),
      );
    });
    rawServers.push(server);
    const engine = new OpenAICompatibleEngine({ baseUrl: url, contextSize: 4096 });
    expect(await engine.listModels()).toEqual([
      { id: 'vllm-style', contextLength: 32768 },
      { id: 'lm-studio-style', contextLength: 8192 },
      { id: 'silent', contextLength: null },
    ]);
    await engine.load({ id: 'vllm-style' });
    expect((await engine.info()).contextSize).toBe(32768);
    await engine.load({ id: 'silent' });
    expect((await engine.info()).contextSize).toBe(4096);
  });

  it('says in a sentence when the address is not an OpenAI-compatible API', async () => {
    const { url, server } = await startRawServer((req, res) => {
      if (req.url === '/v1/models') res.writeHead(200).end('<html>a web page</html>');
      else res.writeHead(404).end('Not Found');
    });
    rawServers.push(server);
    await expect(new OpenAICompatibleEngine({ baseUrl: url }).listModels()).rejects.toMatchObject({
      code: 'malformed-stream',
      message: expect.stringMatching(/answered, but not with an OpenAI model list/),
    });
    const wrongPath = new OpenAICompatibleEngine({ baseUrl: url.replace(/\/v1$/, '/api') });
    await expect(wrongPath.listModels()).rejects.toMatchObject({
      code: 'http-error',
      message: expect.stringMatching(/does not exist \(HTTP 404\).*usually ends in \/v1/),
    });
  });

  it('says so when the model is not served', async () => {
    await expect(
      new OpenAICompatibleEngine({ baseUrl: api.url, apiKey: TOKEN }).load({ id: 'other' }),
    ).rejects.toMatchObject({ code: 'model-not-found' });
  });

  it('says so when nothing listens at the URL', async () => {
    const { url, server } = await startRawServer(() => undefined);
    await new Promise((r) => server.close(r));
    const nowhere = new OpenAICompatibleEngine({ baseUrl: url });
    await expect(nowhere.load({ id: 'x' })).rejects.toMatchObject({
      code: 'connection-failed',
      message: expect.stringMatching(/^Nothing answers at 127\.0\.0\.1:\d+: check the address/),
    });
    const noHost = new OpenAICompatibleEngine({ baseUrl: 'http://no-such-host.invalid/v1' });
    await expect(noHost.listModels()).rejects.toMatchObject({
      code: 'connection-failed',
      message: 'There is no server called no-such-host.invalid: check the address.',
    });
  });

  it('says so when the server never answers', async () => {
    const { url, server } = await startRawServer(() => undefined);
    rawServers.push(server);
    const silent = new OpenAICompatibleEngine({ baseUrl: url, timeoutMs: 300 });
    await expect(silent.load({ id: 'raw' })).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/did not answer within 0\.3 seconds/),
    });
  });

  it('says so when a stream stalls, breaks off or is not JSON', async () => {
    const { url, server } = await startRawServer((req, res) => {
      if (req.url?.endsWith('/models')) {
        res.end(modelsBody);
        return;
      }
      const chunk = JSON.stringify({
        id: '1',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'raw',
        choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const mode = req.headers['x-test-mode'];
      res.write(`data: ${chunk}\n\n`);
      if (mode === 'garbage') res.end('data: {not json\n\n');
      else if (mode === 'cut') res.end();
      // 'stall': leave the response open, sending nothing more.
    });
    rawServers.push(server);
    const run = async (mode: string) => {
      const engine = new OpenAICompatibleEngine({
        baseUrl: url,
        timeoutMs: 300,
        fetch: (input, init) =>
          fetch(input, { ...init, headers: { ...(init?.headers as object), 'x-test-mode': mode } }),
      });
      await engine.load({ id: 'raw' });
      return collect(engine.chat([{ role: 'user', content: 'x' }]));
    };
    const garbage = await run('garbage');
    expect(garbage.text).toBe('hi');
    expect(garbage.end).toMatchObject({ type: 'error', code: 'malformed-stream' });
    expect((await run('cut')).end).toMatchObject({ type: 'error', code: 'malformed-stream' });
    expect((await run('stall')).end).toMatchObject({ type: 'error', code: 'timeout' });
  });
});
