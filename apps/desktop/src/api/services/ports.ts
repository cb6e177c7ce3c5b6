import type { OpenAICompatibleEngineOptions } from '@codeface/inference';
import type { Chat, ChatUpdate, Message, SearchHit, StopReason } from '../schemas';
import type { Preset, Settings, SettingsPatch } from '../settings-schema';

/**
 * What the API's services need from the layers below them. The adapters in `adapters/` fit
 * @codeface/db and @codeface/inference to these, so services stay small and the API keeps one
 * vocabulary whatever the packages below call things.
 */

export type NewChat = {
  title: string;
  preset: string | null;
  systemPrompt: string | null;
  source: Chat['source'];
  model: string | null;
};

export type NewMessage = {
  chatId: string;
  parentId: string | null;
  role: Message['role'];
  content: string;
  model?: string | null;
};

export type GenerationStats = {
  completionTokens: number;
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
  stopReason: StopReason;
};

/**
 * The figures of an answer stopped before it ended, as its message keeps them (the database's
 * fields, which the store takes as they are): the tokens counted so far, and a time to first
 * token and a speed only where the engine's final event came (it reports them there alone).
 */
export type InterruptedStats = Pick<
  Message,
  'completionTokens' | 'timeToFirstTokenMs' | 'tokensPerSecond'
>;

/** The assistant message while it streams: saved as it grows so a reload shows it. */
export interface StreamingMessage {
  readonly message: Message;
  append(text: string): void;
  finish(stats: GenerationStats): Message;
  /** Saves the answer as stopped, keeping its text and figures. */
  interrupt(stats: InterruptedStats): Message;
  fail(reason: string): Message;
}

export interface ChatStore {
  listChats(options: { includeArchived: boolean }): Chat[];
  getChat(chatId: string): Chat | undefined;
  createChat(chat: NewChat): Chat;
  updateChat(patch: ChatUpdate & { model?: string | null }): Chat;
  deleteChat(chatId: string): void;
  getMessage(messageId: string): Message | undefined;
  /** Every message of the chat on every branch, oldest first. */
  listMessages(chatId: string): Message[];
  /** The messages from the root to the chat's current leaf, oldest first. */
  activeBranch(chatId: string): Message[];
  /** The messages that share this message's parent (itself included), oldest first. */
  siblings(messageId: string): Message[];
  /** Makes the branch through this message the chat's active one. */
  switchBranch(messageId: string): void;
  appendMessage(message: NewMessage): Message;
  startStreaming(message: Omit<NewMessage, 'role' | 'content'>): StreamingMessage;
  /** Reopens a finished answer so that what is generated next is appended to it. */
  continueStreaming(messageId: string): StreamingMessage;
  search(query: { text: string; chatId?: string; limit: number }): SearchHit[];
  readSettings(): Settings;
  /** Writes the given settings in one transaction. */
  writeSettings(patch: SettingsPatch): void;
  /** The person's own presets, oldest first; they sync with the chats. */
  listPresets(): Preset[];
  /** Creates the preset, or rewrites the one with this id. */
  savePreset(preset: {
    id?: string;
    name: string;
    systemPrompt: string;
    maxAnswerTokens?: number | null;
  }): Preset;
  /** Deletes the preset; false when there was none. */
  deletePreset(presetId: string): boolean;
}

/** A small document store for what the database has no table for. */
export interface DocumentStore {
  read(name: string): unknown;
  write(name: string, value: unknown): void;
  /** Deletes the document; nothing happens when there is none. */
  remove(name: string): void;
}

export type EngineMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type EngineParams = {
  temperature: number;
  maxTokens: number;
};

export type EngineEvent =
  | { type: 'delta'; text: string; tokens: number }
  | {
      type: 'done';
      completionTokens: number;
      timeToFirstTokenMs: number;
      tokensPerSecond: number;
      promptTokens: number;
      reusedTokens: number;
      /** Of `reusedTokens`, those read back from the chat's state saved on disk. */
      restoredTokens: number;
      stopReason: StopReason | 'aborted';
    };

/** The tokens of each message in a prompt and of the prompt's own markup (`Engine.countTokens`). */
export type TokenCount = { messages: number[]; fixedTokens: number; exact: boolean };

/** The chats' model states saved on disk (0208): the space they take and may take. */
export type SavedStatesUse = { bytes: number; chats: number; budgetBytes: number };

/** What the app asks of the saved states: forget deleted chats, keep only existing ones, clear, resize. */
export type SavedStatesCommand =
  | { type: 'forget'; chatIds: string[] }
  | { type: 'keep-only'; chatIds: string[] }
  | { type: 'clear' }
  | { type: 'set-budget'; budgetBytes: number };

export type EngineInfo = {
  backend: string;
  gpuName: string | null;
  vramTotalBytes: number | null;
  vramFreeBytes: number | null;
  loadedModel: string | null;
  contextSize: number | null;
  /** Where the loaded model's weights live: `mapped` ones may be paged out while idle. */
  weightMemory: 'copied' | 'mapped' | null;
  /** The host of the remote server whose model is loaded; null for a model on this computer. */
  remoteHost: string | null;
  /** The chats' saved model states (on this computer); null where the engine saves none. */
  savedStates: SavedStatesUse | null;
};

/**
 * How to reach a remote OpenAI-compatible server: the options of the engine that talks to it
 * (declared once, in @codeface/inference), every one given. Its key comes from the secret store;
 * `contextSize` is assumed for models whose length the server does not report.
 */
export type RemoteServerConnection = Required<
  Pick<OpenAICompatibleEngineOptions, 'baseUrl' | 'apiKey' | 'contextSize'>
>;

/** Where a remote server answers, and its key (null: it needs none). */
export type RemoteServerAddress = Omit<RemoteServerConnection, 'contextSize'>;

/** The chat model the API talks to: one engine, one loaded model, kept warm. */
export interface ChatEngine {
  /** Ends in `done`; a failure is thrown (and mapped to an AppError at the API edge). */
  chat(request: {
    chatId: string;
    messages: EngineMessage[];
    params: EngineParams;
    signal: AbortSignal;
  }): AsyncIterable<EngineEvent>;
  /** Evaluates this prompt into the chat's cache ahead of a `chat` with the same messages. */
  prefill(request: { chatId: string; messages: EngineMessage[] }): Promise<number>;
  /** The loaded model's count of these messages' tokens, or the documented estimate without one. */
  countTokens(messages: EngineMessage[]): Promise<TokenCount>;
  load(model: {
    id: string;
    path: string;
    contextSize: number | 'auto';
    gpuLayers: number | 'auto';
  }): Promise<void>;
  /** Uses a model of a remote server from now on (the local model is unloaded). */
  loadRemote(model: {
    id: string;
    /** The model's name on the server. */
    name: string;
    server: RemoteServerConnection;
  }): Promise<void>;
  unload(): Promise<void>;
  info(): Promise<EngineInfo>;
  /** The model id loaded now, or null. */
  loadedModelId(): string | null;
  /** Acts on the chats' saved model states; resolves to their use after, null where none are saved. */
  savedStates(command: SavedStatesCommand): Promise<SavedStatesUse | null>;
}

/** Wall-clock time in ms; passed in so tests control it. */
export type Clock = () => number;
