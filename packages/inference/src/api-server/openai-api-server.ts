import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { describeZodError } from '../engine/errors';
import type { EngineErrorCode } from '../engine/errors';
import type { ChatMessage, ChatParams, DoneEvent, Engine } from '../engine/types';
import { formatSseData } from '../openai/sse';
import {
  chatCompletionRequestSchema,
  embeddingsRequestSchema,
  wireContentToText,
} from '../openai/wire';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai/wire';

export type OpenAIApiServerOptions = {
  engine: Engine;
  token: string;
  /** 0 picks a free port. */
  port?: number;
  now?: () => number;
};

export type OpenAIApiServer = {
  url: string;
  port: number;
  close: () => Promise<void>;
};

const MAX_BODY_BYTES = 8 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves whatever Engine it is given as an OpenAI-compatible API on 127.0.0.1, so
 * IDE extensions can use CodeFace's loaded model: `/v1/chat/completions` (streamed
 * or not), `/v1/models` and `/v1/embeddings`.
 */
export async function startOpenAIApiServer(
  options: OpenAIApiServerOptions,
): Promise<OpenAIApiServer> {
  const server = createServer((req, res) => {
    void handleRequest(options, req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError ? error : new HttpError(500, 'server_error', 'Internal error.');
      if (!res.headersSent) sendJson(res, httpError.status, errorBody(httpError));
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

async function handleRequest(
  options: OpenAIApiServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!isAuthorized(req.headers.authorization, options.token)) {
    throw new HttpError(401, 'invalid_request_error', 'Missing or wrong bearer token.');
  }
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method === 'GET' && path === '/v1/models') {
    const info = await options.engine.info();
    const data = info.model
      ? [{ id: info.model.id, object: 'model', created: 0, owned_by: 'codeface' }]
      : [];
    sendJson(res, 200, { object: 'list', data });
    return;
  }
  if (req.method === 'POST' && path === '/v1/chat/completions') {
    const body = parseBody(chatCompletionRequestSchema, await readJson(req));
    await completeChat({ engine: options.engine, now: options.now ?? Date.now }, body, {
      req,
      res,
    });
    return;
  }
  if (req.method === 'POST' && path === '/v1/embeddings') {
    const body = parseBody(embeddingsRequestSchema, await readJson(req));
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const vectors = await options.engine.embed(texts);
    sendJson(res, 200, {
      object: 'list',
      model: body.model,
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    });
    return;
  }
  throw new HttpError(404, 'invalid_request_error', `No route for ${req.method ?? ''} ${path}.`);
}

async function completeChat(
  context: { engine: Engine; now: () => number },
  body: ChatCompletionRequest,
  http: { req: IncomingMessage; res: ServerResponse },
): Promise<void> {
  const { res } = http;
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
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    seed: body.seed === null || body.seed === undefined ? undefined : Math.abs(body.seed),
    stop: body.stop === null || body.stop === undefined ? undefined : [body.stop].flat(),
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
        if (!started) throw engineErrorToHttp(event.code, event.message);
        // Headers are gone: report in-band, as OpenAI does, and end the stream.
        res.write(
          formatSseData(JSON.stringify(errorBody(engineErrorToHttp(event.code, event.message)))),
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
    else if (event.type === 'error') throw engineErrorToHttp(event.code, event.message);
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

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'invalid_request_error', 'Body too large.');
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_request_error', 'The body is not valid JSON.');
  }
}

function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request_error', describeZodError(parsed.error));
  }
  return parsed.data;
}

function engineErrorToHttp(code: EngineErrorCode, message: string): HttpError {
  switch (code) {
    case 'invalid-params':
    case 'context-overflow':
      return new HttpError(400, 'invalid_request_error', message);
    case 'no-model-loaded':
      return new HttpError(503, 'server_error', message);
    default:
      return new HttpError(500, 'server_error', message);
  }
}

function errorBody(error: HttpError): { error: { message: string; type: string } } {
  return { error: { message: error.message, type: error.type } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
