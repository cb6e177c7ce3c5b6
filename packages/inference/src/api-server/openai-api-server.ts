import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { EngineErrorCode } from '../engine/errors';
import type {
  ChatMessage,
  ChatParams,
  DoneEvent,
  Engine,
  ModelRef,
  ResponseFormat,
} from '../engine/types';
import { formatSseData } from '../openai/sse';
import {
  chatCompletionRequestSchema,
  embeddingsRequestSchema,
  wireContentToText,
} from '../openai/wire';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ErrorBody,
} from '../openai/wire';

export type OpenAIApiServerOptions = {
  engine: Engine;
  token: string;
  /** 0 picks a free port. */
  port?: number;
  now?: () => number;
  /**
   * The most tokens an answer takes when the request sets no `max_tokens` (the app's maximum
   * answer length); an answer cut there ends with `finish_reason: "length"`. Unlimited without.
   */
  defaultMaxTokens?: () => number;
};

export type OpenAIApiServer = {
  url: string;
  port: number;
  close: () => Promise<void>;
};

/** The largest request body read; a larger one is answered 413 once it has been received. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/**
 * Past this much, a body is no longer read to its end: the 413 goes out at once and the
 * connection is closed, since what is left of the body would otherwise be read as a request.
 */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/** An error as OpenAI's API reports it: a status, and a body with type, param and code. */
class ApiError extends Error {
  readonly status: number;
  readonly type: 'invalid_request_error' | 'server_error';
  readonly param: string | null;
  readonly code: string | null;
  /** Close the connection after answering: the rest of the request was not read. */
  readonly closeConnection: boolean;

  constructor(options: {
    status: number;
    message: string;
    code: string | null;
    param?: string | null;
    closeConnection?: boolean;
  }) {
    super(options.message);
    this.status = options.status;
    this.type = options.status >= 500 ? 'server_error' : 'invalid_request_error';
    this.param = options.param ?? null;
    this.code = options.code;
    this.closeConnection = options.closeConnection ?? false;
  }

  body(): ErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

/**
 * Serves whatever Engine it is given as an OpenAI-compatible API on 127.0.0.1, so
 * IDE extensions can use CodeFace's loaded model: `/v1/chat/completions` (streamed
 * or not), `/v1/models`, `/v1/models/{id}` and `/v1/embeddings`.
 */
export async function startOpenAIApiServer(
  options: OpenAIApiServerOptions,
): Promise<OpenAIApiServer> {
  const server = createServer((req, res) => {
    void handleRequest(options, req, res).catch((error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError({ status: 500, message: 'Internal error.', code: null });
      if (!res.headersSent) sendError(res, apiError);
      else res.end();
    });
  });
  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const MODEL_PATH = /^\/v1\/models\/(.+)$/;

async function handleRequest(
  options: OpenAIApiServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!isAuthorized(req.headers.authorization, options.token)) {
    throw new ApiError({
      status: 401,
      message:
        'Missing or wrong API key: send the token CodeFace shows under Settings → Local API.',
      code: 'invalid_api_key',
    });
  }
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const { engine } = options;
  if (req.method === 'GET' && path === '/v1/models') {
    const model = (await engine.info()).model;
    sendJson(res, 200, { object: 'list', data: model ? [modelObject(model)] : [] });
    return;
  }
  const modelPath = MODEL_PATH.exec(path);
  if (req.method === 'GET' && modelPath) {
    const model = await servedModel(engine, decodeURIComponent(modelPath[1] ?? ''));
    sendJson(res, 200, modelObject(model));
    return;
  }
  if (req.method === 'POST' && path === '/v1/chat/completions') {
    const body = parseBody(chatCompletionRequestSchema, await readJson(req));
    if (body.n !== null && body.n !== undefined && body.n > 1) {
      throw new ApiError({
        status: 400,
        message: 'This server generates one choice per request: leave n out or set it to 1.',
        param: 'n',
        code: 'unsupported_value',
      });
    }
    await servedModel(engine, body.model);
    await completeChat(
      { engine, now: options.now ?? Date.now, defaultMaxTokens: options.defaultMaxTokens },
      body,
      res,
    );
    return;
  }
  if (req.method === 'POST' && path === '/v1/embeddings') {
    const body = parseBody(embeddingsRequestSchema, await readJson(req));
    await servedModel(engine, body.model);
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const vectors = await engine.embed(texts);
    sendJson(res, 200, {
      object: 'list',
      model: body.model,
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    });
    return;
  }
  throw new ApiError({
    status: 404,
    message: `No route for ${req.method ?? ''} ${path}.`,
    code: 'unknown_url',
  });
}

function modelObject(model: ModelRef) {
  return { id: model.id, object: 'model', created: 0, owned_by: 'codeface' };
}

/** The loaded model, when it is the one asked for; a 404 naming what is served otherwise. */
async function servedModel(engine: Engine, id: string): Promise<ModelRef> {
  const model = (await engine.info()).model;
  if (model === null) {
    throw new ApiError({
      status: 503,
      message: 'No model is loaded in CodeFace: load one on its Models screen.',
      code: 'model_not_loaded',
    });
  }
  if (model.id !== id) {
    throw new ApiError({
      status: 404,
      message: `The model "${id}" does not exist here; this server serves "${model.id}".`,
      param: 'model',
      code: 'model_not_found',
    });
  }
  return model;
}

function responseFormatOf(
  format: ChatCompletionRequest['response_format'],
): ResponseFormat | undefined {
  switch (format?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json' };
    case 'json_schema':
      return format.json_schema.schema
        ? { type: 'json-schema', schema: format.json_schema.schema }
        : { type: 'json' };
  }
}

async function completeChat(
  context: { engine: Engine; now: () => number; defaultMaxTokens?: () => number },
  body: ChatCompletionRequest,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  // A client that hangs up stops the generation.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const messages: ChatMessage[] = body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: wireContentToText(m.content),
  }));
  const params: ChatParams = {
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? context.defaultMaxTokens?.(),
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    seed: body.seed === null || body.seed === undefined ? undefined : Math.abs(body.seed),
    stop: body.stop === null || body.stop === undefined ? undefined : [body.stop].flat(),
    responseFormat: responseFormatOf(body.response_format),
  };
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(context.now() / 1000);
  const stream = context.engine.chat(messages, params, controller.signal);
  if (body.stream) {
    const chunk = (
      delta: ChatCompletionChunk['choices'][number]['delta'],
      finish: DoneEvent | undefined,
    ): ChatCompletionChunk => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [{ index: 0, delta, finish_reason: finish ? finishReason(finish) : null }],
    });
    let started = false;
    for await (const event of stream) {
      if (event.type === 'error') {
        if (!started) throw engineErrorToApi(event.code, event.message);
        // Headers are gone: report in-band, as OpenAI does, and end the stream.
        res.write(
          formatSseData(JSON.stringify(engineErrorToApi(event.code, event.message).body())),
        );
        break;
      }
      if (!started) {
        started = true;
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        res.write(
          formatSseData(JSON.stringify(chunk({ role: 'assistant', content: '' }, undefined))),
        );
      }
      if (event.type === 'delta') {
        res.write(formatSseData(JSON.stringify(chunk({ content: event.text }, undefined))));
      } else {
        res.write(formatSseData(JSON.stringify(chunk({}, event))));
        if (body.stream_options?.include_usage) {
          res.write(
            formatSseData(
              JSON.stringify({ ...chunk({}, undefined), choices: [], usage: usage(event) }),
            ),
          );
        }
      }
    }
    res.end(formatSseData('[DONE]'));
    return;
  }
  let text = '';
  for await (const event of stream) {
    if (event.type === 'delta') text += event.text;
    else if (event.type === 'error') throw engineErrorToApi(event.code, event.message);
    else {
      const completion: ChatCompletion = {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: finishReason(event),
          },
        ],
        usage: usage(event),
      };
      sendJson(res, 200, completion);
    }
  }
}

function finishReason(done: DoneEvent): 'stop' | 'length' {
  return done.stopReason === 'max-tokens' ? 'length' : 'stop';
}

function usage(done: DoneEvent): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: done.promptTokens,
    completion_tokens: done.tokens,
    total_tokens: done.promptTokens + done.tokens,
  };
}

function isAuthorized(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * Reads the whole body, even one too large to keep: a reply sent before the body has been read
 * would leave its rest on a kept-alive connection, to be read as the next request.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = (closeConnection: boolean) =>
      new ApiError({
        status: 413,
        message: `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`,
        code: 'request_too_large',
        closeConnection,
      });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      if (size > MAX_DRAINED_BYTES) {
        req.pause();
        reject(tooLarge(true));
      }
    });
    req.once('end', () => {
      if (size > MAX_BODY_BYTES) reject(tooLarge(false));
      else resolve(Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError({
      status: 400,
      message: 'The body is not valid JSON.',
      code: 'invalid_json',
    });
  }
}

function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  throw new ApiError({
    status: 400,
    message: parsed.error.issues
      .map((each) => `${each.path.map(String).join('.') || 'body'}: ${each.message}`)
      .join('; '),
    param,
    code: 'invalid_value',
  });
}

function engineErrorToApi(code: EngineErrorCode, message: string): ApiError {
  switch (code) {
    case 'invalid-params':
      return new ApiError({ status: 400, message, code: 'invalid_value' });
    case 'invalid-response-format':
      return new ApiError({
        status: 400,
        message,
        param: 'response_format',
        code: 'invalid_value',
      });
    case 'context-overflow':
      return new ApiError({
        status: 400,
        message,
        param: 'messages',
        code: 'context_length_exceeded',
      });
    case 'no-model-loaded':
      return new ApiError({ status: 503, message, code: 'model_not_loaded' });
    default:
      return new ApiError({ status: 500, message, code: null });
  }
}

function sendError(res: ServerResponse, error: ApiError): void {
  res.writeHead(error.status, {
    'content-type': 'application/json',
    ...(error.closeConnection ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(error.body()));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
