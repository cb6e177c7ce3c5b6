import { stat } from 'node:fs/promises';
import { freemem } from 'node:os';
import {
  getLlama,
  InsufficientMemoryError,
  LlamaLogLevel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import type {
  ChatWrapper,
  Llama,
  LlamaChatResponse,
  LlamaContext,
  LlamaEmbeddingContext,
  LlamaModel,
} from 'node-llama-cpp';
import { EngineError, toEngineError } from '../engine/errors';
import { estimateTokenCount } from '../prompts/context-budget';
import type {
  ChatMessage,
  EngineInfo,
  ModelRef,
  ResolvedChatParams,
  ResolvedLoadOptions,
  SavedStatesCommand,
  SavedStatesInfo,
  SavedStatesSettings,
  StopReason,
} from '../engine/types';
import { chooseModelCpus, pinThisProcess, readCpuLayout } from './cpu-affinity';
import type { CpuLayout } from './cpu-affinity';
import { checkModelFile } from './model-file-check';
import { chooseWeightMemory, weightMemoryLoadOptions } from './weight-memory';
import type { WeightMemory } from './weight-memory';
import type { FromProcessMessage, ToProcessMessage } from './protocol';
import { DeltaStream } from './delta-stream';
import { countTokens, promptTokens, rememberingRenders, toChatHistory } from './chat-history';
import { nextTurnPrefix, prepareNextTurn, withAnswer } from './next-turn';
import { ResponseGrammars } from './response-grammar';
import { SequencePool } from './sequence-pool';
import type { Slot } from './sequence-pool';
import { SavedStateStore } from './saved-states/saved-state-store';
import { readModelIdentity, stateKeyDigest, stateKeyParts } from './saved-states/state-key';
import type { ModelIdentity } from './saved-states/state-key';

/**
 * How long the engine must stay idle after an answer before it prepares the chat's
 * next turn: longer than a program takes to send its next request, far shorter than
 * a person takes to read the answer and type.
 */
const NEXT_TURN_IDLE_MS = 100;

/** Sends a message to the app; `onSent` runs once it has left this process. */
export type SendToApp = (message: FromProcessMessage, onSent?: () => void) => void;

type Loaded = {
  ref: ModelRef;
  model: LlamaModel;
  context: LlamaContext;
  pool: SequencePool;
  /**
   * The model's chat template for counting tokens: a wrapper of its own, so that counting a
   * conversation never pushes a chat's renders out of the one the chats remember.
   */
  countingWrapper: ChatWrapper;
  threads: number;
  /** Where the weights live (keepInMemory, 0207). */
  weightMemory: WeightMemory;
  /** The key a chat state saved from this context carries, and must carry to be loaded (0208). */
  stateKey: string;
  embedding?: LlamaEmbeddingContext;
};

/**
 * Everything that runs inside the model process: node-llama-cpp, the loaded model,
 * the per-chat KV caches. Requests run one at a time, in arrival order; an abort
 * reaches its request at once, queued or running.
 */
export class ModelHost {
  private llama: Promise<Llama> | undefined;
  private loaded: Loaded | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly aborts = new Map<number, AbortController>();
  /**
   * Ends the wait before preparing a chat's next turn when any other work arrives. A timer is
   * cleared rather than a signal aborted: an abort builds an exception, on every arrival.
   */
  private endIdle: (() => void) | undefined;
  /**
   * Requests received so far, prefills included. A prefill runs only if nothing arrived after
   * it: a newer draft makes it moot, and real work must not wait for it.
   */
  private arrivals = 0;
  /** llama.cpp's recent error lines: its exceptions only say "failed", the log says why. */
  private recentErrors: string[] = [];
  /** The CPUs as they were before this process pinned itself; read at the first load. */
  private cpuLayout: Promise<CpuLayout | null> | undefined;
  /** The CPUs the model's threads are pinned to, or null when the OS places them. */
  private pinnedCpus: number[] | null = null;
  /** Chats' KV states saved on disk, when the app gave a folder for them (0208). */
  private savedStates: Promise<SavedStateStore | null> = Promise.resolve(null);
  /** Model file identities, by path, size and mtime: each file is read for it once. */
  private readonly modelIdentities = new Map<string, ModelIdentity>();
  private readonly grammars = new ResponseGrammars(() => this.getLlama());

  constructor(
    private readonly send: SendToApp,
    private readonly now: () => number,
  ) {}

  handle(message: ToProcessMessage): void {
    // Asking for info or a count is not work for the model: it neither ends the idle time after
    // an answer nor makes a queued prefill stale (the meter counts the draft the prefill is for).
    if (message.type !== 'abort' && message.type !== 'info' && message.type !== 'countTokens') {
      this.endIdle?.();
      this.arrivals++;
    }
    switch (message.type) {
      case 'init':
        this.llama = getLlama({
          gpu: message.settings.gpu,
          // Never compile at run time: prebuilt binaries cover CUDA, Vulkan, Metal and CPU.
          build: 'never',
          logLevel: LlamaLogLevel.error,
          logger: (_level, text) => {
            this.recentErrors = [...this.recentErrors.slice(-7), text.trim()];
          },
        });
        // A failure here (no usable binary) is reported by the first request that
        // needs llama.cpp; until then it must not count as an unhandled rejection.
        this.llama.catch(() => undefined);
        this.savedStates = this.openSavedStates(message.settings.savedStates);
        return;
      case 'abort':
        this.aborts.get(message.requestId)?.abort();
        return;
      case 'chat': {
        const controller = new AbortController();
        this.aborts.set(message.requestId, controller);
        this.enqueue(message.requestId, () =>
          this.chat({ ...message, signal: controller.signal }).finally(() =>
            this.aborts.delete(message.requestId),
          ),
        );
        return;
      }
      case 'prefill': {
        const arrival = this.arrivals;
        this.enqueue(message.requestId, async () => {
          const tokens = arrival === this.arrivals ? await this.prefill(message) : 0;
          this.send({ type: 'prefilled', requestId: message.requestId, tokens });
        });
        return;
      }
      case 'load':
        this.enqueue(message.requestId, async () => {
          const contextSize = await this.load(message.model, message.options);
          this.send({ type: 'loaded', requestId: message.requestId, contextSize });
        });
        return;
      case 'unload':
        this.enqueue(message.requestId, async () => {
          await this.unload();
          this.send({ type: 'unloaded', requestId: message.requestId });
        });
        return;
      case 'embed':
        this.enqueue(message.requestId, async () => {
          const vectors = await this.embed(message.texts);
          this.send({ type: 'embeddings', requestId: message.requestId, vectors });
        });
        return;
      case 'savedStates': {
        const reply = (info: SavedStatesInfo | null) =>
          this.send({ type: 'savedStates', requestId: message.requestId, info });
        const { command } = message;
        // Forgetting chats waits its turn: a chat being answered keeps its sequence until then.
        // Clearing and resizing act on the files alone, at once.
        if (command.type === 'forget' || command.type === 'keep-only') {
          this.enqueue(message.requestId, async () => reply(await this.manageSavedStates(command)));
        } else {
          void this.manageSavedStates(command).then(reply, (error: unknown) =>
            this.fail(message.requestId, toEngineError(error, 'generation-failed')),
          );
        }
        return;
      }
      case 'countTokens': {
        // Counting does not wait behind a generation either: it only tokenises, and the context
        // meter asks while an answer is being written.
        const loaded = this.loaded;
        const count = loaded
          ? countTokens(loaded.countingWrapper, loaded.model.tokenizer, message.messages)
          : estimateTokenCount(message.messages);
        this.send({ type: 'tokenCount', requestId: message.requestId, count });
        return;
      }
      case 'info':
        // Info does not wait behind a generation: the UI polls it.
        void this.info().then(
          (info) => this.send({ type: 'info', requestId: message.requestId, info }),
          (error: unknown) => this.fail(message.requestId, toEngineError(error, 'load-failed')),
        );
        return;
    }
  }

  private enqueue(requestId: number, task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.fail(requestId, toEngineError(error, 'generation-failed'));
    });
  }

  private fail(requestId: number, error: EngineError): void {
    this.send({ type: 'failed', requestId, code: error.code, message: error.message });
  }

  private getLlama(): Promise<Llama> {
    if (!this.llama) throw new EngineError('load-failed', 'The model process was not initialised.');
    return this.llama;
  }

  private async load(ref: ModelRef, options: ResolvedLoadOptions): Promise<number> {
    await this.unload();
    if (!ref.path) {
      throw new EngineError('invalid-options', 'A local model needs a file path.', { id: ref.id });
    }
    const llama = await this.getLlama();
    const { info, insights } = await checkModelFile(ref.path, llama);
    const weightMemory = chooseWeightMemory(options.keepInMemory, {
      modelBytes: insights.modelSize,
      freeBytes: freemem(),
    });
    let model: LlamaModel;
    this.recentErrors = [];
    try {
      model = await llama.loadModel({
        modelPath: ref.path,
        gpuLayers: options.gpuLayers,
        ...weightMemoryLoadOptions(weightMemory),
      });
    } catch (error) {
      throw asLoadError(error, this.recentErrors);
    }
    const threads = options.threads ?? llama.cpuMathCores;
    try {
      const context = await model.createContext({
        contextSize: options.contextSize,
        sequences: options.sequences,
        threads,
      });
      const store = await this.savedStates;
      const stateKey = store
        ? stateKeyDigest(
            await stateKeyParts({
              llama,
              context,
              model: await this.modelIdentity(ref.path, info.tensorInfo ?? []),
            }),
          )
        : '';
      const chatWrapper = rememberingRenders(resolveChatWrapper(model));
      const pool = new SequencePool(
        context,
        chatWrapper,
        store ? (chatId, sequence) => store.save({ chatId, sequence, key: stateKey }) : undefined,
      );
      this.loaded = {
        ref,
        model,
        context,
        pool,
        countingWrapper: resolveChatWrapper(model),
        threads,
        weightMemory,
        stateKey,
      };
      await this.placeThreads(threads, options.cpuAffinity);
      await warmUp(model, context, chatWrapper);
      return context.contextSize;
    } catch (error) {
      await model.dispose();
      throw asLoadError(error, this.recentErrors);
    }
  }

  /**
   * Pins this process to CPUs of its own for `threads` model threads, or gives it back every CPU
   * when pinning is off or would not help. Runs after the context exists, so every thread
   * llama.cpp started is pinned too; threads started later inherit it. A failure to pin costs
   * only speed, so it is never an error.
   */
  private async placeThreads(threads: number, affinity: 'auto' | 'off'): Promise<void> {
    this.cpuLayout ??= readCpuLayout();
    const layout = await this.cpuLayout;
    if (!layout) return;
    const wanted = affinity === 'auto' ? chooseModelCpus(threads, layout) : null;
    if (wanted === null && this.pinnedCpus === null) return;
    if (await pinThisProcess(wanted ?? layout.allowed)) this.pinnedCpus = wanted;
  }

  /**
   * The model file's identity for saved states' keys, read once per file (its path, size and
   * modification time name it) for the life of the process.
   */
  private async modelIdentity(
    path: string,
    tensors: readonly { fileOffset: number | bigint }[],
  ): Promise<ModelIdentity> {
    const stats = await stat(path);
    const name = `${path}\u0000${stats.size}\u0000${stats.mtimeMs}`;
    const known = this.modelIdentities.get(name);
    if (known) return known;
    const dataStart = tensors.reduce(
      (start, t) => Math.min(start, Number(t.fileOffset)),
      stats.size,
    );
    const identity = await readModelIdentity({ path, bytes: stats.size, headerBytes: dataStart });
    this.modelIdentities.set(name, identity);
    return identity;
  }

  private async openSavedStates(
    settings: SavedStatesSettings | null,
  ): Promise<SavedStateStore | null> {
    if (!settings) return null;
    // A folder that cannot be used costs the saving, never the model: chats evaluate as before.
    return SavedStateStore.open({ ...settings, now: this.now }).catch((error: unknown) => {
      console.error(`model process: saved chat states are off (${String(error)})`);
      return null;
    });
  }

  private async manageSavedStates(command: SavedStatesCommand): Promise<SavedStatesInfo | null> {
    const store = await this.savedStates;
    switch (command.type) {
      case 'forget':
        this.loaded?.pool.drop(command.chatIds);
        await store?.forget(command.chatIds);
        break;
      case 'keep-only': {
        const kept = new Set(command.chatIds);
        this.loaded?.pool.drop(
          this.loaded.pool.cachedChatIds().filter((chatId) => !kept.has(chatId)),
        );
        await store?.keepOnly(command.chatIds);
        break;
      }
      case 'clear':
        await store?.clear();
        break;
      case 'set-budget':
        await store?.setBudget(command.budgetBytes);
        break;
    }
    return store?.info() ?? null;
  }

  /**
   * Fills a chat's fresh sequence from its state saved on disk, when there is a valid one that
   * shares a prefix with `prompt`; the caller's evaluation then drops whatever follows that
   * prefix and evaluates the rest (0208).
   */
  private async restoreSavedState(
    slot: Slot,
    chatId: string | undefined,
    prompt: readonly number[],
  ): Promise<void> {
    const store = await this.savedStates;
    const loaded = this.loaded;
    if (!slot.fresh || !chatId || !store || !loaded) return;
    const restored = await store.restore({
      chatId,
      sequence: slot.sequence,
      key: loaded.stateKey,
      prompt,
    });
    slot.restoredTokens = restored?.tokens ?? 0;
  }

  private async unload(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (!loaded) return;
    // The chats' states outlive the model: a chat reopened later reads them back (0208).
    await loaded.pool.saveAll();
    await (await this.savedStates)?.settled();
    loaded.pool.dispose();
    await loaded.embedding?.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
  }

  private async chat(request: {
    requestId: number;
    messages: ChatMessage[];
    params: ResolvedChatParams;
    signal: AbortSignal;
  }): Promise<void> {
    const { requestId, params, signal } = request;
    const loaded = this.loaded;
    if (!loaded) throw new EngineError('no-model-loaded', 'Load a model before chatting.');
    const started = this.now();
    const stream = new DeltaStream((event, onSent) =>
      this.send({ type: 'event', requestId, event }, onSent),
    );
    const grammar = params.responseFormat
      ? await this.grammars.grammarFor(params.responseFormat)
      : undefined;
    const slot = await loaded.pool.acquire(params.chatId, params.speculative);
    const history = toChatHistory(request.messages);
    const prompt = promptTokens(slot.chat.chatWrapper, loaded.model.tokenizer, request.messages);
    const contextSize = loaded.context.contextSize;
    // Never truncate silently: a prompt that does not fit is an error, and the answer
    // may use only the room left (node-llama-cpp would otherwise drop old messages).
    if (prompt.length >= contextSize) {
      throw new EngineError(
        'context-overflow',
        `The prompt is ${prompt.length} tokens; the context holds ${contextSize}. Shorten the conversation or load the model with a larger context.`,
        { promptTokens: prompt.length, contextSize },
      );
    }
    const room = contextSize - prompt.length;
    const maxTokens = Math.min(params.maxTokens ?? room, room);
    await this.restoreSavedState(slot, params.chatId, prompt);
    const reusedTokens = Math.min(
      slot.sequence.compareContextTokens(prompt).firstDifferentIndex,
      prompt.length,
    );
    const evaluationStarted = this.now();
    let firstTokenAt: number | undefined;
    let generated = 0;
    let answer = '';
    let stopReason: StopReason = 'aborted';
    if (!signal.aborted) {
      let response: LlamaChatResponse;
      try {
        response = await slot.chat.generateResponse(history, {
          signal,
          stopOnAbortSignal: true,
          maxTokens,
          temperature: params.temperature,
          topP: params.topP,
          topK: params.topK,
          seed: params.seed,
          customStopTriggers: params.stop,
          grammar,
          onToken: (tokens) => {
            if (tokens.length === 0) return;
            firstTokenAt ??= this.now();
            generated += tokens.length;
            stream.countTokens(tokens.length);
          },
          onTextChunk: (text) => {
            answer += text;
            stream.pushText(text);
          },
        });
      } catch (error) {
        throw toEngineError(error, 'generation-failed');
      }
      stopReason = toStopReason(response.metadata.stopReason);
      // Stopped by the limit, node-llama-cpp has generated exactly `maxTokens` tokens, but a last
      // token that is half a UTF-8 character is held back for the next one and then dropped,
      // never reaching `onToken`: the answer then read one token short of its limit.
      if (stopReason === 'max-tokens') generated = maxTokens;
    }
    const finished = this.now();
    const generationMs = firstTokenAt === undefined ? 0 : finished - firstTokenAt;
    // The prompt's evaluation ends with the first token: a measure of what a saved state saves.
    if (firstTokenAt !== undefined) {
      (await this.savedStates)?.notePrefill(
        prompt.length - reusedTokens,
        firstTokenAt - evaluationStarted,
      );
    }
    stream.finish({
      type: 'done',
      tokens: generated,
      ttftMs: (firstTokenAt ?? finished) - started,
      tokensPerSecond:
        generationMs > 0 && generated > 1 ? ((generated - 1) * 1000) / generationMs : 0,
      promptTokens: prompt.length,
      reusedTokens,
      restoredTokens: Math.min(slot.restoredTokens, reusedTokens),
      stopReason,
    });
    slot.restoredTokens = 0;
    // Until the user sends the next message the engine is idle: evaluating what that
    // message's prompt certainly starts with takes that time off its time to first
    // token. A request that arrives within the idle window (a script, not a person)
    // goes first instead of waiting for this.
    const stayedIdle = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), NEXT_TURN_IDLE_MS);
      this.endIdle = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    this.endIdle = undefined;
    if (!stayedIdle) return;
    // A failed preparation costs only the saving: the next turn evaluates these tokens itself.
    await prepareNextTurn({
      sequence: slot.sequence,
      chatWrapper: slot.chat.chatWrapper,
      tokenizer: loaded.model.tokenizer,
      messages: withAnswer(request.messages, answer),
    }).catch(() => 0);
  }

  /**
   * Brings the chat's KV cache to the prompt of `messages` but its last token, which the chat
   * evaluates itself to sample the answer's first token. A draft that changed since the last
   * prefill keeps the cache up to where they differ; the rest is evaluated again. Messages that
   * end with an answer (a chat being opened) bring it to what the next turn certainly starts
   * with instead. A chat with no sequence is first filled from its saved state (0208).
   */
  private async prefill(request: {
    messages: ChatMessage[];
    params: ResolvedChatParams;
  }): Promise<number> {
    const loaded = this.loaded;
    if (!loaded) throw new EngineError('no-model-loaded', 'Load a model before prefilling.');
    const slot = await loaded.pool.acquire(request.params.chatId, request.params.speculative);
    const options = {
      chatWrapper: slot.chat.chatWrapper,
      tokenizer: loaded.model.tokenizer,
      messages: request.messages,
    };
    const target =
      request.messages.at(-1)?.role === 'assistant'
        ? nextTurnPrefix(options)
        : promptTokens(options.chatWrapper, options.tokenizer, options.messages).slice(0, -1);
    // A prompt with no room for an answer is for the chat to report, with its error.
    if (target.length + 1 >= loaded.context.contextSize) return 0;
    await this.restoreSavedState(slot, request.params.chatId, target);
    await slot.sequence.adaptStateToTokens(target, false);
    const missing = target.slice(slot.sequence.nextTokenIndex);
    if (missing.length > 0) {
      const started = this.now();
      await slot.sequence.evaluateWithoutGeneratingNewTokens(missing);
      (await this.savedStates)?.notePrefill(missing.length, this.now() - started);
    }
    return missing.length;
  }

  private async embed(texts: string[]): Promise<number[][]> {
    const loaded = this.loaded;
    if (!loaded) throw new EngineError('no-model-loaded', 'Load a model before embedding.');
    loaded.embedding ??= await loaded.model.createEmbeddingContext({
      contextSize: Math.min(loaded.context.contextSize, 2048),
      threads: loaded.threads,
    });
    const vectors: number[][] = [];
    for (const text of texts) {
      vectors.push([...(await loaded.embedding.getEmbeddingFor(text)).vector]);
    }
    return vectors;
  }

  private async info(): Promise<EngineInfo> {
    const llama = await this.getLlama();
    const onGpu = llama.gpu !== false;
    const vram = onGpu ? await llama.getVramState() : undefined;
    return {
      engine: 'llama.cpp',
      backend: llama.gpu === false ? 'cpu' : llama.gpu,
      gpuName: onGpu ? ((await llama.getGpuDeviceNames())[0] ?? null) : null,
      vramTotalBytes: vram?.total ?? null,
      vramFreeBytes: vram?.free ?? null,
      model: this.loaded?.ref ?? null,
      contextSize: this.loaded?.context.contextSize ?? null,
      cpus: this.pinnedCpus,
      weightMemory: this.loaded?.weightMemory ?? null,
      savedStates: (await this.savedStates)?.info() ?? null,
    };
  }
}

function toStopReason(reason: LlamaChatResponse['metadata']['stopReason']): StopReason {
  switch (reason) {
    case 'abort':
      return 'aborted';
    case 'maxTokens':
      return 'max-tokens';
    case 'customStopTrigger':
      return 'stop-sequence';
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'functionCalls':
      return 'eos';
  }
}

function asLoadError(error: unknown, llamaErrors: readonly string[]): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof InsufficientMemoryError) {
    return new EngineError('model-too-big', `Not enough memory: ${error.message}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  const unknownArchitecture = llamaErrors.find((line) => /unknown model architecture/i.test(line));
  if (unknownArchitecture) {
    const architecture = /architecture: '([^']*)'/.exec(unknownArchitecture)?.[1] ?? 'unknown';
    return new EngineError(
      'unsupported-architecture',
      `This version of llama.cpp cannot run models of architecture "${architecture}".`,
      { architecture },
    );
  }
  const detail = llamaErrors.length > 0 ? ` (${llamaErrors.join('; ')})` : '';
  return new EngineError('load-failed', `The model could not be loaded: ${message}${detail}`);
}

/**
 * Evaluates a one-line chat once, in a sequence of its own, before the load is reported done.
 * The first evaluation after a load pays for reading the weights in from the file, allocating
 * the compute buffers, starting the threads and compiling the chat template; without this the
 * first answer waited for all of it (0471).
 */
async function warmUp(model: LlamaModel, context: LlamaContext, chatWrapper: ChatWrapper) {
  const sequence = context.getSequence();
  try {
    const tokens = promptTokens(chatWrapper, model.tokenizer, [{ role: 'user', content: 'Hi' }]);
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
  } finally {
    sequence.dispose();
  }
}
