import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { LlamaCppEngine, startOpenAIApiServer } from '../src/index';
import type { OpenAIApiServer } from '../src/api-server/openai-api-server';

const TOKEN = 'test-token-0123456789abcdef';

/**
 * The local API as a real client sees it: the `openai` npm package, with its own connection
 * pool (keep-alive), error classes and stream parser, against the tiny model.
 */
describe('the local API through the openai npm client', () => {
  const engine = new LlamaCppEngine({ gpu: false });
  let api: OpenAIApiServer;
  let client: OpenAI;

  beforeAll(async () => {
    await engine.load(
      { id: 'tiny', path: await ensureTinyModel() },
      { contextSize: 2048, threads: 1 },
    );
    api = await startOpenAIApiServer({ engine, token: TOKEN });
    client = new OpenAI({ baseURL: api.url, apiKey: TOKEN, maxRetries: 0, timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await engine.dispose();
  });

  it('lists the loaded model and retrieves it by id', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['tiny']);
    expect(await client.models.retrieve('tiny')).toMatchObject({ id: 'tiny', object: 'model' });
  });

  it('answers a model it does not serve with 404 model_not_found, listing and chatting', async () => {
    await expect(client.models.retrieve('gpt-4o')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
    });
    const chat = client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
    });
    await expect(chat).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(chat).rejects.toMatchObject({
      code: 'model_not_found',
      param: 'model',
      message: expect.stringContaining('tiny'),
    });
  });

  it('completes a chat, whole and streamed', async () => {
    const whole = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'whole' }],
      max_tokens: 5,
      temperature: 0,
    });
    expect(whole.choices).toHaveLength(1);
    expect(whole.choices[0]?.finish_reason).toBe('length');
    expect(whole.usage?.completion_tokens).toBe(5);

    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'whole' }],
      max_tokens: 5,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(5);
  });

  it('refuses n > 1 with a 400 that names the parameter', async () => {
    await expect(
      client.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content: 'two please' }],
        max_tokens: 2,
        n: 2,
      }),
    ).rejects.toMatchObject({ status: 400, param: 'n', code: 'unsupported_value' });
  });

  it('names the parameter and a code in every error object', async () => {
    const error: unknown = await client.chat.completions
      .create({ model: 'tiny', messages: [{ role: 'user', content: 'x' }], temperature: 7 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'temperature', code: 'invalid_value' });
    const unauthorized = new OpenAI({ baseURL: api.url, apiKey: 'wrong', maxRetries: 0 });
    await expect(unauthorized.models.list()).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      param: null,
    });
  });

  it('keeps serving a kept-alive connection after refusing a body that is too large', async () => {
    // The same client, so the same keep-alive connection, before and after the 413.
    await client.models.list();
    const huge = 'x'.repeat(9 * 1024 * 1024);
    await expect(
      client.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content: huge }],
      }),
    ).rejects.toMatchObject({ status: 413, code: 'request_too_large' });
    for (let i = 0; i < 3; i++) {
      expect((await client.models.list()).data).toHaveLength(1);
    }
    const after = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'still there?' }],
      max_tokens: 2,
    });
    expect(after.choices).toHaveLength(1);
  });

  it('answers with a JSON object with response_format json_object', async () => {
    const request = {
      model: 'tiny',
      messages: [{ role: 'user' as const, content: 'Answer in JSON.' }],
      max_tokens: 8,
      temperature: 0,
    };
    // The tiny model's weights are random: left free, its answer is not JSON at all; held by the
    // grammar, it opens an object (which it may not close within 8 tokens).
    const free = await client.chat.completions.create(request);
    expect(free.choices[0]?.message.content).not.toMatch(/^\{/);
    const json = await client.chat.completions.create({
      ...request,
      response_format: { type: 'json_object' },
    });
    expect(json.choices[0]?.message.content).toMatch(/^\{\s*("|\})/);
  });

  it('follows a JSON schema with response_format json_schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        verdict: { enum: ['bug', 'fine'] },
        fixable: { type: 'boolean' },
      },
      required: ['verdict', 'fixable'],
      additionalProperties: false,
    };
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Is line 3 a bug?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'review', schema } },
      max_tokens: 200,
      temperature: 0.8,
      seed: 7,
      stream: true,
    });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    const parsed = JSON.parse(content) as { verdict: unknown; fixable: unknown };
    expect(Object.keys(parsed).sort()).toEqual(['fixable', 'verdict']);
    expect(['bug', 'fine']).toContain(parsed.verdict);
    expect(typeof parsed.fixable).toBe('boolean');
  });

  it('refuses a response_format schema the grammar cannot express', async () => {
    await expect(
      client.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'bad', schema: { type: 'object', properties: 'no' } },
        },
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_value',
      param: 'response_format.json_schema.schema.properties',
    });
  });

  it('serves embeddings', async () => {
    const result = await client.embeddings.create({ model: 'tiny', input: ['a', 'b'] });
    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
  });
});
