import type {
  ChatMessage,
  ChatParams,
  Engine,
  EngineEvent,
  EngineInfo,
  LoadOptions,
  ModelRef,
  SavedStatesCommand,
  SavedStatesInfo,
  TokenCount,
} from '@codeface/inference';

/**
 * The one engine the app talks to, which is either the local one (llama.cpp in its own process)
 * or a remote OpenAI-compatible server, whichever holds the model loaded last. The chat, the
 * quick ask, the token budget and the local API all go through it, so they all use the same
 * model. Loading a remote model unloads the local one: its memory is better left free.
 */
export class ModelSwitch implements Engine {
  private remote: { engine: Engine; host: string } | null = null;

  constructor(private readonly local: Engine) {}

  /** The engine in use: the remote one while a remote model is loaded. */
  private get active(): Engine {
    return this.remote?.engine ?? this.local;
  }

  async load(model: ModelRef, options?: LoadOptions): Promise<void> {
    await this.local.load(model, options);
    this.remote = null;
  }

  /** Uses `engine` (already told which model) from now on; `host` is shown beside its name. */
  async loadRemote(engine: Engine, model: ModelRef & { host: string }): Promise<void> {
    await engine.load({ id: model.id });
    await this.local.unload();
    this.remote = { engine, host: model.host };
  }

  async unload(): Promise<void> {
    this.remote = null;
    await this.local.unload();
  }

  chat(
    messages: ChatMessage[],
    params?: ChatParams,
    signal?: AbortSignal,
  ): AsyncIterable<EngineEvent> {
    return this.active.chat(messages, params, signal);
  }

  prefill(messages: ChatMessage[], params: ChatParams & { chatId: string }): Promise<number> {
    return this.active.prefill(messages, params);
  }

  countTokens(messages: ChatMessage[]): Promise<TokenCount> {
    return this.active.countTokens(messages);
  }

  embed(texts: string[]): Promise<number[][]> {
    return this.active.embed(texts);
  }

  info(): Promise<EngineInfo> {
    return this.active.info();
  }

  /** The local engine's view of this machine (GPU, VRAM), whichever model is loaded. */
  hardware(): Promise<EngineInfo> {
    return this.local.info();
  }

  /** The chats' KV states on disk belong to the local engine, whichever model is loaded. */
  manageSavedStates(command: SavedStatesCommand): Promise<SavedStatesInfo | null> {
    return this.local.manageSavedStates(command);
  }

  /** The remote server's host while a remote model is loaded, else null. */
  remoteHost(): string | null {
    return this.remote?.host ?? null;
  }

  async dispose(): Promise<void> {
    this.remote = null;
    await this.local.dispose();
  }
}
