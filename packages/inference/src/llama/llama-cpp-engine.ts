import { AsyncQueue } from '../engine/async-queue';
import { describeZodError, EngineError, toEngineError } from '../engine/errors';
import {
  chatMessageSchema,
  chatParamsSchema,
  loadOptionsSchema,
  modelRefSchema,
  savedStatesCommandSchema,
  savedStatesSettingsSchema,
} from '../engine/types';
import type {
  ChatMessage,
  ChatParams,
  Engine,
  EngineEvent,
  EngineInfo,
  LoadOptions,
  ModelRef,
  ResolvedChatParams,
  ResolvedLoadOptions,
  SavedStatesCommand,
  SavedStatesInfo,
  SavedStatesSettings,
  TokenCount,
} from '../engine/types';
import { estimateTokenCount } from '../prompts/context-budget';
import { ProcessConnection } from './process-connection';
import type { ProcessSettings } from './protocol';
import { MODEL_PROCESS_ENTRY, spawnNodeModelProcess } from './spawn-model-process';
import type { SpawnModelProcess } from './spawn-model-process';

// Built once: building a zod schema costs far more than using it, and these are on the path
// to every answer's first token.
const chatMessagesSchema = chatMessageSchema.array().min(1);
const countedMessagesSchema = chatMessageSchema.array();
/** Without a chat id there is no cache that the chat would find filled. */
const prefillParamsSchema = chatParamsSchema.required({ chatId: true });

export type LlamaCppEngineOptions = {
  /** `auto` (the default) uses CUDA, Vulkan or Metal when available; `false` forces the CPU. */
  gpu?: ProcessSettings['gpu'];
  /** How to start the model process; the desktop app passes Electron's utilityProcess. */
  spawn?: SpawnModelProcess;
  /** The model process entry module; defaults to this package's model-process.ts. */
  modulePath?: string;
  now?: () => number;
  /** How long a stopped generation may take to end before its process is killed. */
  abortGraceMs?: number;
  startTimeoutMs?: number;
  loadTimeoutMs?: number;
  /**
   * Where the model process saves chats' KV states when their sequence is given up, the model
   * unloaded or the engine disposed, and how much disk they may take (0208). Without it, none
   * are saved.
   */
  savedStates?: SavedStatesSettings;
  /** How long `dispose` waits for the chats' states to be saved before it stops the process. */
  saveOnDisposeMs?: number;
};

/**
 * Runs llama.cpp (through node-llama-cpp) in its own process, so a crash or an
 * out-of-memory there becomes an `error` event instead of taking the app down.
 * After a crash, the next request starts a fresh process and reloads the model.
 */
export class LlamaCppEngine implements Engine {
  private connection: Promise<ProcessConnection> | undefined;
  private wanted: { model: ModelRef; options: ResolvedLoadOptions } | undefined;
  private disposed = false;
  private readonly spawn: SpawnModelProcess;
  private readonly now: () => number;
  /** The saved states' settings, the budget as last set: a restarted process gets them too. */
  private savedStates: SavedStatesSettings | null;

  constructor(private readonly options: LlamaCppEngineOptions = {}) {
    this.spawn = options.spawn ?? spawnNodeModelProcess;
    this.now = options.now ?? (() => performance.now());
    this.savedStates = options.savedStates
      ? savedStatesSettingsSchema.parse(options.savedStates)
      : null;
  }

  async load(model: ModelRef, options: LoadOptions = {}): Promise<void> {
    const ref = modelRefSchema.safeParse(model);
    if (!ref.success) throw new EngineError('invalid-options', describeZodError(ref.error));
    const parsed = loadOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new EngineError(
        'invalid-options',
        `Invalid load options: ${describeZodError(parsed.error)}`,
      );
    }
    // Forget the previous model first, so a restart does not reload it needlessly.
    this.wanted = undefined;
    const connection = await this.connect();
    await this.loadInto(connection, { model: ref.data, options: parsed.data });
    this.wanted = { model: ref.data, options: parsed.data };
  }

  async unload(): Promise<void> {
    this.wanted = undefined;
    const connection = await this.liveConnection();
    if (connection) await connection.call({ type: 'unload' });
  }

  async *chat(
    messages: ChatMessage[],
    params: ChatParams = {},
    signal?: AbortSignal,
  ): AsyncGenerator<EngineEvent> {
    const started = this.now();
    const request = parseRequest(messages, params, chatParamsSchema);
    if (request instanceof EngineError) {
      yield errorEvent(request);
      return;
    }
    if (!this.wanted) {
      yield errorEvent('no-model-loaded', 'Load a model before chatting.');
      return;
    }
    let connection: ProcessConnection;
    try {
      connection = await this.connect();
    } catch (error) {
      yield errorEvent(toEngineError(error, 'process-crashed'));
      return;
    }
    const queue = new AsyncQueue<EngineEvent>();
    let generated = 0;
    let firstDeltaAt: number | undefined;
    let killedAfterAbort = false;
    const requestId = connection.request({ type: 'chat', ...request }, (message) => {
      if (message.type === 'event') {
        queue.push(message.event);
        if (message.event.type !== 'delta') queue.end();
      } else if (message.type === 'failed') {
        queue.push(errorEvent(message.code, message.message));
        queue.end();
      } else if (message.type === 'exit') {
        // A process we killed because it ignored a stop is still a stop, not a crash.
        queue.push(
          killedAfterAbort
            ? abortedDone(generated)
            : errorEvent(
                'process-crashed',
                `The model process ${message.reason} during generation; the next request starts a new one.`,
              ),
        );
        queue.end();
      }
    });
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = (): void => {
      connection.abort(requestId);
      graceTimer ??= setTimeout(() => {
        killedAfterAbort = true;
        connection.kill();
      }, this.options.abortGraceMs ?? 2000);
    };
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    let finished = false;
    try {
      for await (const event of queue) {
        if (event.type === 'delta') {
          firstDeltaAt ??= this.now();
          generated += event.tokens;
          yield event;
        } else {
          finished = true;
          // The app's time to first token includes the trip through the process.
          yield event.type === 'done' && firstDeltaAt !== undefined
            ? { ...event, ttftMs: firstDeltaAt - started }
            : event;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      clearTimeout(graceTimer);
      // The consumer stopped reading early: stop generating for nobody.
      if (!finished) connection.abort(requestId);
      connection.forget(requestId);
    }
  }

  async prefill(messages: ChatMessage[], params: ChatParams & { chatId: string }): Promise<number> {
    const request = parseRequest(messages, params, prefillParamsSchema);
    if (request instanceof EngineError) throw request;
    if (!this.wanted) throw new EngineError('no-model-loaded', 'Load a model before prefilling.');
    const reply = await (await this.connect()).call({ type: 'prefill', ...request });
    if (reply.type !== 'prefilled') throw unexpected(reply.type);
    return reply.tokens;
  }

  async countTokens(messages: ChatMessage[]): Promise<TokenCount> {
    const parsed = countedMessagesSchema.safeParse(messages);
    if (!parsed.success) throw new EngineError('invalid-params', describeZodError(parsed.error));
    // Nothing loaded, or wanted: no process need start just to say so.
    if (!this.wanted) return estimateTokenCount(parsed.data);
    const reply = await (await this.connect()).call({ type: 'countTokens', messages: parsed.data });
    if (reply.type !== 'tokenCount') throw unexpected(reply.type);
    return reply.count;
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (!this.wanted) throw new EngineError('no-model-loaded', 'Load a model before embedding.');
    const reply = await (await this.connect()).call({ type: 'embed', texts });
    if (reply.type !== 'embeddings') throw unexpected(reply.type);
    return reply.vectors;
  }

  async info(): Promise<EngineInfo> {
    let reply;
    try {
      reply = await (await this.connect()).call({ type: 'info' });
    } catch (error) {
      // The process may have died just before the request reached it; asking is
      // harmless, so ask once more, which starts a fresh process.
      if (!(error instanceof EngineError) || error.code !== 'process-crashed') throw error;
      reply = await (await this.connect()).call({ type: 'info' });
    }
    if (reply.type !== 'info') throw unexpected(reply.type);
    return reply.info;
  }

  async manageSavedStates(command: SavedStatesCommand): Promise<SavedStatesInfo | null> {
    const parsed = savedStatesCommandSchema.safeParse(command);
    if (!parsed.success) {
      throw new EngineError(
        'invalid-params',
        `Invalid saved-states command: ${describeZodError(parsed.error)}`,
      );
    }
    if (!this.savedStates) return null;
    // Taken before anything is awaited: a model process started from now on, by this call or
    // another, opens the saved states with this budget (and deletes the oldest past it).
    if (parsed.data.type === 'set-budget') {
      this.savedStates = { ...this.savedStates, budgetBytes: parsed.data.budgetBytes };
    }
    const reply = await (await this.connect()).call({ type: 'savedStates', command: parsed.data });
    if (reply.type !== 'savedStates') throw unexpected(reply.type);
    return reply.info;
  }

  /** The model process's id, or undefined when none runs (for diagnostics and tests). */
  async processId(): Promise<number | undefined> {
    return (await this.liveConnection())?.pid;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.wanted = undefined;
    const connection = await this.liveConnection();
    // Unloading saves the open chats' states, so they answer at once after a restart (0208);
    // a process that takes too long is stopped anyway: the app is closing.
    if (connection && this.savedStates) {
      await connection
        .call({ type: 'unload' }, this.options.saveOnDisposeMs ?? 15_000)
        .catch(() => undefined);
    }
    connection?.kill();
    this.connection = undefined;
  }

  private async liveConnection(): Promise<ProcessConnection | undefined> {
    const connection = await this.connection?.catch(() => undefined);
    return connection?.alive ? connection : undefined;
  }

  /**
   * The running process, or a fresh one with the wanted model loaded again. The
   * check and the replacement happen without an await in between, so concurrent
   * callers share one new process instead of starting one each.
   */
  private connect(): Promise<ProcessConnection> {
    if (this.disposed) {
      return Promise.reject(new EngineError('closed', 'This engine has been disposed.'));
    }
    const existing = this.connection;
    if (!existing) return this.replaceConnection(undefined);
    return existing.then(
      (connection) => (connection.alive ? connection : this.replaceConnection(existing)),
      () => this.replaceConnection(existing),
    );
  }

  private replaceConnection(
    stale: Promise<ProcessConnection> | undefined,
  ): Promise<ProcessConnection> {
    // Someone else replaced it while we waited: use theirs.
    if (this.connection !== stale && this.connection) return this.connect();
    const starting = this.startProcess();
    this.connection = starting;
    return starting;
  }

  private async startProcess(): Promise<ProcessConnection> {
    const connection = await ProcessConnection.start({
      spawn: this.spawn,
      modulePath: this.options.modulePath ?? MODEL_PROCESS_ENTRY,
      settings: { gpu: this.options.gpu ?? 'auto', savedStates: this.savedStates },
      timeoutMs: this.options.startTimeoutMs ?? 60_000,
    });
    if (this.wanted) {
      try {
        await this.loadInto(connection, this.wanted);
      } catch (error) {
        // A process without its model is of no use; the next request starts afresh.
        connection.kill();
        throw error;
      }
    }
    return connection;
  }

  private async loadInto(
    connection: ProcessConnection,
    wanted: { model: ModelRef; options: ResolvedLoadOptions },
  ): Promise<void> {
    try {
      const reply = await connection.call(
        { type: 'load', model: wanted.model, options: wanted.options },
        this.options.loadTimeoutMs ?? 300_000,
      );
      if (reply.type !== 'loaded') throw unexpected(reply.type);
    } catch (error) {
      const engineError = toEngineError(error, 'load-failed');
      // A process that died while loading is a load failure the user can act on.
      throw engineError.code === 'process-crashed'
        ? new EngineError(
            'load-failed',
            `${engineError.message} The model file may be damaged or too big.`,
          )
        : engineError;
    }
  }
}

/** The messages and params of a chat or prefill, validated, or why they are not valid. */
function parseRequest(
  messages: unknown,
  params: unknown,
  paramsSchema: typeof chatParamsSchema | typeof prefillParamsSchema,
): { messages: ChatMessage[]; params: ResolvedChatParams } | EngineError {
  const parsedMessages = chatMessagesSchema.safeParse(messages);
  if (!parsedMessages.success) {
    return new EngineError(
      'invalid-params',
      `Invalid messages: ${describeZodError(parsedMessages.error)}`,
    );
  }
  const parsedParams = paramsSchema.safeParse(params);
  if (!parsedParams.success) {
    return new EngineError(
      'invalid-params',
      `Invalid parameters: ${describeZodError(parsedParams.error)}`,
    );
  }
  return { messages: parsedMessages.data, params: parsedParams.data };
}

function errorEvent(code: EngineError | EngineError['code'], message = ''): EngineEvent {
  return typeof code === 'string'
    ? { type: 'error', code, message }
    : { type: 'error', code: code.code, message: code.message };
}

/** The end of a generation whose process had to be killed to stop it: counts are partial. */
function abortedDone(tokens: number): EngineEvent {
  return {
    type: 'done',
    tokens,
    ttftMs: 0,
    tokensPerSecond: 0,
    promptTokens: 0,
    reusedTokens: 0,
    restoredTokens: 0,
    stopReason: 'aborted',
  };
}

function unexpected(type: string): EngineError {
  return new EngineError('generation-failed', `The model process answered with "${type}".`);
}
