import { describeZodError, EngineError, toEngineError } from '../engine/errors';
import { chatMessageSchema, chatParamsSchema, modelRefSchema } from '../engine/types';
import type {
  ChatMessage,
  ChatParams,
  Engine,
  EngineEvent,
  EngineInfo,
  ModelRef,
  ResolvedChatParams,
  StopReason,
  TokenCount,
} from '../engine/types';
import { estimateTokenCount } from '../prompts/context-budget';
import { readSseData } from './sse';
import {
  chatCompletionChunkSchema,
  embeddingsResponseSchema,
  errorBodySchema,
  modelListSchema,
  wireContextLength,
} from './wire';
import type { ChatCompletionRequest } from './wire';

export type OpenAICompatibleEngineOptions = {
  /** The API root, e.g. `http://localhost:11434/v1` (Ollama) or `http://127.0.0.1:1234/v1`. */
  baseUrl: string;
  /** Sent as a bearer token; absent or null: the server needs none. */
  apiKey?: string | null;
  /** Longest silence allowed: before the response starts, and between stream chunks. */
  timeoutMs?: number;
  /** The context length to assume for a model whose server does not report one. */
  contextSize?: number;
  fetch?: typeof fetch;
  now?: () => number;
};

/** A model a server lists, with its context length where the server reports one. */
export type RemoteModel = { id: string; contextLength: number | null };

/**
 * Any OpenAI-compatible endpoint (Ollama, LM Studio, llama.cpp server, vLLM, or
 * CodeFace's own local API) behind the Engine interface.
 */
export class OpenAICompatibleEngine implements Engine {
  private model: (ModelRef & { contextLength: number | null }) | undefined;
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: OpenAICompatibleEngineOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? (() => performance.now());
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * The models the server lists (`GET /models`). Every way this fails is an EngineError whose
   * message says what to check: `connection-failed` (nothing answers, or no such host),
   * `timeout`, `unauthorized` (401/403), `http-error` (another status; a 404 is a wrong
   * address), `malformed-stream` (an answer that is not an OpenAI model list).
   */
  async listModels(): Promise<RemoteModel[]> {
    const response = await this.request('/models', { method: 'GET' });
    const list = modelListSchema.safeParse(await readJson(response));
    if (!list.success) {
      throw new EngineError(
        'malformed-stream',
        `${this.baseUrl} answered, but not with an OpenAI model list: check that this is the address of an OpenAI-compatible API (it usually ends in /v1).`,
      );
    }
    return list.data.data.map((model) => ({
      id: model.id,
      contextLength: wireContextLength(model),
    }));
  }

  /** Checks the endpoint answers and serves the model; the model stays on the server. */
  async load(model: ModelRef): Promise<void> {
    const ref = modelRefSchema.safeParse(model);
    if (!ref.success) throw new EngineError('invalid-options', describeZodError(ref.error));
    const models = await this.listModels();
    const listed = models.find((m) => m.id === ref.data.id);
    if (!listed) {
      throw new EngineError(
        'model-not-found',
        `${this.baseUrl} does not serve a model "${ref.data.id}".`,
        { available: models.map((m) => m.id) },
      );
    }
    this.model = { ...ref.data, contextLength: listed.contextLength };
  }

  unload(): Promise<void> {
    this.model = undefined;
    return Promise.resolve();
  }

  async *chat(
    messages: ChatMessage[],
    params: ChatParams = {},
    signal?: AbortSignal,
  ): AsyncGenerator<EngineEvent> {
    const started = this.now();
    const parsedMessages = chatMessageSchema.array().min(1).safeParse(messages);
    const parsedParams = chatParamsSchema.safeParse(params);
    if (!parsedMessages.success || !parsedParams.success) {
      const error = parsedMessages.error ?? parsedParams.error;
      yield {
        type: 'error',
        code: 'invalid-params',
        message: error ? describeZodError(error) : '',
      };
      return;
    }
    if (!this.model) {
      yield { type: 'error', code: 'no-model-loaded', message: 'Choose a model before chatting.' };
      return;
    }
    const p = parsedParams.data;
    let tokens = 0;
    let firstAt: number | undefined;
    let stopReason: StopReason | undefined;
    let promptTokens = 0;
    try {
      const response = await this.request('/chat/completions', {
        method: 'POST',
        signal,
        body: {
          model: this.model.id,
          messages: parsedMessages.data,
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: p.maxTokens,
          temperature: p.temperature,
          top_p: p.topP,
          seed: p.seed,
          stop: p.stop,
          response_format: wireResponseFormat(p.responseFormat),
        },
      });
      if (!response.body) throw new EngineError('malformed-stream', 'The response has no body.');
      let sawDone = false;
      for await (const data of readSseData(this.withIdleTimeout(response.body, signal))) {
        if (data === '[DONE]') {
          sawDone = true;
          break;
        }
        const chunk = parseChunk(data);
        if (chunk.usage) promptTokens = chunk.usage.prompt_tokens;
        const choice = chunk.choices[0];
        const text = choice?.delta.content ?? '';
        if (text.length > 0) {
          firstAt ??= this.now();
          // Servers send about one token per chunk; `usage` corrects the total at the end.
          tokens++;
          yield { type: 'delta', text, tokens: 1 };
        }
        if (choice?.finish_reason)
          stopReason = choice.finish_reason === 'length' ? 'max-tokens' : 'eos';
        if (chunk.usage) tokens = chunk.usage.completion_tokens;
      }
      if (!sawDone && stopReason === undefined) {
        throw new EngineError(
          'malformed-stream',
          'The stream ended before the answer was complete.',
        );
      }
    } catch (error) {
      if (signal?.aborted) {
        stopReason = 'aborted';
      } else {
        const engineError = toEngineError(error, 'connection-failed');
        yield { type: 'error', code: engineError.code, message: engineError.message };
        return;
      }
    }
    const finished = this.now();
    const generationMs = firstAt === undefined ? 0 : finished - firstAt;
    yield {
      type: 'done',
      tokens,
      ttftMs: (firstAt ?? finished) - started,
      tokensPerSecond: generationMs > 0 ? ((tokens - 1) * 1000) / generationMs : 0,
      promptTokens,
      reusedTokens: 0,
      restoredTokens: 0,
      stopReason: stopReason ?? 'eos',
    };
  }

  /**
   * The server keeps its own prompt cache (llama.cpp's server and Ollama reuse a matching
   * prefix by themselves) and the OpenAI API has no call to fill it ahead of a request.
   */
  /** The server's tokenizer is out of reach: the documented estimate. */
  countTokens(messages: ChatMessage[]): Promise<TokenCount> {
    return Promise.resolve(estimateTokenCount(messages));
  }

  prefill(): Promise<number> {
    return Promise.resolve(0);
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (!this.model) throw new EngineError('no-model-loaded', 'Choose a model before embedding.');
    const response = await this.request('/embeddings', {
      method: 'POST',
      body: { model: this.model.id, input: texts },
    });
    const parsed = embeddingsResponseSchema.safeParse(await readJson(response));
    if (!parsed.success) {
      throw new EngineError(
        'malformed-stream',
        `Unexpected embeddings answer: ${describeZodError(parsed.error)}`,
      );
    }
    return [...parsed.data.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }

  info(): Promise<EngineInfo> {
    return Promise.resolve({
      engine: 'openai-compatible',
      backend: 'remote',
      gpuName: null,
      vramTotalBytes: null,
      vramFreeBytes: null,
      model: this.model ? { id: this.model.id } : null,
      contextSize: this.model?.contextLength ?? this.options.contextSize ?? null,
      cpus: null,
      weightMemory: null,
      savedStates: null,
    });
  }

  /** The server's prompt cache is its own: nothing is saved on this machine. */
  manageSavedStates(): Promise<null> {
    return Promise.resolve(null);
  }

  dispose(): Promise<void> {
    return this.unload();
  }

  /** Sends a request, turning each way it can fail into a coded EngineError. */
  private async request(
    path: string,
    init: { method: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal },
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    // This timeout covers the wait for the response head only; the stream has its
    // own idle timeout, so a long answer is never cut off.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: init.method,
        signal,
        headers: {
          accept:
            init.body === undefined ? 'application/json' : 'text/event-stream, application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (error) {
      if (timeout.signal.aborted) {
        throw new EngineError(
          'timeout',
          `${this.baseUrl} did not answer within ${formatSeconds(this.timeoutMs)}: check that the server is running and not busy.`,
        );
      }
      if (init.signal?.aborted) throw error;
      throw connectionError(this.baseUrl, error);
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 || response.status === 403) {
      throw new EngineError(
        'unauthorized',
        this.options.apiKey
          ? `${this.baseUrl} refused the API key (HTTP ${response.status}): check the key.`
          : `${this.baseUrl} needs an API key (HTTP ${response.status}): add the server's key.`,
      );
    }
    if (response.status === 404 && init.method === 'GET') {
      throw new EngineError(
        'http-error',
        `${url} does not exist (HTTP 404): check that this is the address of an OpenAI-compatible API (it usually ends in /v1).`,
        { status: 404 },
      );
    }
    if (!response.ok) {
      const body = errorBodySchema.safeParse(await readJson(response).catch(() => undefined));
      const detail = body.success ? `: ${body.data.error.message}` : '.';
      throw new EngineError('http-error', `${url} answered HTTP ${response.status}${detail}`, {
        status: response.status,
      });
    }
    return response;
  }

  /** Passes the body through, failing with `timeout` when no chunk comes for too long. */
  private async *withIdleTimeout(
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array> {
    const reader = body.getReader();
    const onAbort = (): void => {
      void reader.cancel();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new EngineError('timeout', `The stream stalled for ${this.timeoutMs} ms.`)),
            this.timeoutMs,
          );
        });
        try {
          const result = await Promise.race([reader.read(), timedOut]);
          if (result.done) return;
          yield result.value;
        } finally {
          clearTimeout(timer);
        }
        if (signal?.aborted) return;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      void reader.cancel().catch(() => undefined);
    }
  }
}

function wireResponseFormat(
  format: ResolvedChatParams['responseFormat'],
): ChatCompletionRequest['response_format'] {
  switch (format?.type) {
    case undefined:
      return undefined;
    case 'json':
      return { type: 'json_object' };
    case 'json-schema':
      return { type: 'json_schema', json_schema: { name: 'answer', schema: format.schema } };
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds === 1 ? '1 second' : `${seconds.toLocaleString('en')} seconds`;
}

/** Says in a sentence why fetch could not reach the server (its own message says "fetch failed"). */
function connectionError(baseUrl: string, error: unknown): EngineError {
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  const host = URL.canParse(baseUrl) ? new URL(baseUrl).host : baseUrl;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new EngineError(
        'connection-failed',
        `There is no server called ${new URL(baseUrl).hostname}: check the address.`,
      );
    case 'ECONNREFUSED':
      return new EngineError(
        'connection-failed',
        `Nothing answers at ${host}: check the address and port, and that the server is running.`,
      );
    default: {
      const detail = cause instanceof Error ? ` (${cause.message})` : '';
      return new EngineError(
        'connection-failed',
        `Could not reach ${host}${detail}: check the address and that the server is running.`,
      );
    }
  }
}

function parseChunk(data: string): ReturnType<typeof chatCompletionChunkSchema.parse> {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new EngineError(
      'malformed-stream',
      `The stream sent something that is not JSON: ${data.slice(0, 80)}`,
    );
  }
  const error = errorBodySchema.safeParse(json);
  if (error.success)
    throw new EngineError('http-error', `The server reported: ${error.data.error.message}`);
  const chunk = chatCompletionChunkSchema.safeParse(json);
  if (!chunk.success) {
    throw new EngineError(
      'malformed-stream',
      `Unexpected stream chunk: ${describeZodError(chunk.error)}`,
    );
  }
  return chunk.data;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
