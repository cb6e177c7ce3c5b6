/**
 * The shapes the UI renders. They follow what the app API returns (chats, the active branch of
 * messages with their siblings, search hits as text runs, generation events, models) but are
 * declared here, so packages/ui depends on nothing of ours; the renderer passes API results in
 * and TypeScript checks that they fit.
 */

export type ChatSummary = {
  id: string;
  title: string;
  pinned: boolean;
  archived: boolean;
  updatedAt: number;
  preset: string | null;
  systemPrompt: string | null;
};

export type MessageRole = 'system' | 'user' | 'assistant';

/** `streaming` while tokens arrive, `interrupted` if the app stopped mid-answer. */
export type MessageStatus = 'streaming' | 'done' | 'interrupted' | 'error';

export type ChatMessage = {
  id: string;
  chatId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  createdAt: number;
  completionTokens: number | null;
  timeToFirstTokenMs: number | null;
  tokensPerSecond: number | null;
  /** Why a finished answer ended; `max-tokens` is the answer-length limit (it can be continued). */
  stopReason: 'eos' | 'max-tokens' | 'stop-sequence' | null;
};

/** A message on the active branch, with its siblings (regenerations, edits) for `‹ 2/3 ›`. */
export type BranchMessage = ChatMessage & { siblingIds: string[]; siblingIndex: number };

export type GenerationStats = {
  completionTokens: number;
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
};

export type SnippetRun = { text: string; highlight: boolean };

export type SearchHit = {
  chatId: string;
  chatTitle: string;
  messageId: string;
  role: MessageRole;
  /** Text around the match as runs, the matched terms flagged. */
  snippet: SnippetRun[];
  createdAt: number;
  /** How a hybrid search found it; absent for plain full-text search. */
  matchedBy?: ('text' | 'semantic')[];
};

/** Background embedding of messages for semantic search. */
export type IndexStatus = {
  available: boolean;
  state: 'idle' | 'indexing' | 'paused';
  indexedThisRun: number;
  pending: number;
  error: string | null;
};

export type Fit = 'fits' | 'partial-offload' | 'too-big';

export type CatalogQuantization = {
  id: string;
  fileName: string;
  sizeBytes: number;
  memoryBytes: number;
  fit: Fit;
};

export type CatalogModel = {
  id: string;
  name: string;
  description: string;
  parameters: string;
  contextLength: number;
  quantizations: CatalogQuantization[];
};

export type LocalModelSource = 'downloaded' | 'imported' | 'lm-studio' | 'ollama' | 'hugging-face';

export type LocalModel = {
  id: string;
  name: string;
  path: string;
  sizeBytes: number;
  source: LocalModelSource;
  quantization: string | null;
};

/** A folder in the web host's file browser: sub-folders and GGUF files. */
export type ModelFolder = {
  path: string;
  /** Null at the home folder: the browser goes no higher. */
  parent: string | null;
  entries: { name: string; path: string; kind: 'folder' | 'model'; sizeBytes: number | null }[];
  places: { label: string; path: string }[];
};

export type DownloadState = 'downloading' | 'verifying' | 'done' | 'failed' | 'cancelled';

export type DownloadProgress = {
  id: string;
  modelId: string;
  quantizationId: string;
  fileName: string;
  state: DownloadState;
  receivedBytes: number;
  totalBytes: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  error: string | null;
  /** Waiting for the server's first byte. */
  connecting: boolean;
  /** The last attempt failed: the next one's number (of how many) and the wait before it. */
  retry: { attempt: number; attempts: number; inSeconds: number } | null;
};

export type EngineInfo = {
  backend: string;
  gpuName: string | null;
  vramTotalBytes: number | null;
  vramFreeBytes: number | null;
  loadedModel: string | null;
  /** The loaded model's name as the person knows it, where the API provides it. */
  loadedModelName?: string | null;
  /** The model loaded last time, which loads again at start; null when there is none. */
  lastModel?: { id: string; name: string } | null;
  contextSize: number | null;
  /** Where the loaded model's weights live, where the API provides it. */
  weightMemory?: 'copied' | 'mapped' | null;
  /** The host of the remote server whose model is loaded; null for a model on this computer. */
  remoteHost?: string | null;
};

/**
 * An OpenAI-compatible server on another machine (its API key stays in the app): the fields of
 * the API's `remoteServerSchema` the UI shows. The remote-servers store of the renderer passes
 * the API's `remoteServers.models` in as `RemoteServerModels[]`, so the compiler checks them.
 */
export type RemoteServer = {
  id: string;
  baseUrl: string;
  /** `host:port`, shown beside each of its models. */
  host: string;
  hasApiKey: boolean;
  contextSize: number | null;
};

/** A model a remote server lists; `id` is what loading it takes. */
export type RemoteModel = {
  id: string;
  name: string;
  host: string;
  contextLength: number | null;
};

/** A server with its models, or the sentence that says why they could not be listed. */
export type RemoteServerModels = {
  server: RemoteServer;
  models: RemoteModel[];
  error: string | null;
};

/** What the person types to add a remote server; the API's `remoteServerInput` takes it. */
export type RemoteServerDraft = { url: string; apiKey?: string; contextSize?: number | null };

/** The local OpenAI-compatible API (Settings → Local API). */
export type LocalApiStatus = {
  enabled: boolean;
  port: number;
  /** Where clients reach it while it runs; null while it is off. */
  baseUrl: string | null;
  /** The API key clients send. */
  token: string;
  /** The model name clients pass; null with no model loaded. */
  model: string | null;
  /** Why it is not running though it is on. */
  problem: string | null;
};

/** Whether the quick ask's global hotkey works, in words a person can act on. */
export type HotkeyStatus =
  | { state: 'registered'; accelerator: string }
  /** The desktop could not register it: another app holds it, or no way to register exists. */
  | { state: 'failed'; accelerator: string; message: string }
  /** This host has no global hotkeys (the web host). */
  | { state: 'unsupported'; message: string };

/** How the local data is protected (Settings → Privacy). */
export type PrivacyStatus = {
  encryption: 'os-keychain' | 'passphrase' | 'none';
  /** Whether this host can keep a key in the OS keychain (the desktop app). */
  keychain: boolean;
  /** While the data file is being rewritten: the share done, 0 to 1. */
  progress: number | null;
};

/** Whether the data is open, or waits for its key (the unlock screen). */
export type LockStatus =
  | { locked: false }
  | {
      locked: true;
      /** The web host's passphrase; the desktop keychain lost its key, or has none. */
      reason: 'passphrase' | 'key-missing' | 'keychain-unavailable';
      canStartFresh: boolean;
      retryAfterMs: number;
    };

/** A preset is a system prompt for code work (explain, fix, refactor, tests, review…). */
export type Preset = {
  id: string;
  name: string;
  systemPrompt: string;
  /** The preset's own answer-length limit; null uses the setting's. */
  maxAnswerTokens: number | null;
  builtin: boolean;
};

/** What saving a preset sends: without an id it is a new preset. */
export type PresetEdit = Omit<Preset, 'builtin' | 'id'> & { id?: string };

export type GenerationParams = {
  temperature: number;
  /** Null lets the engine pick the largest context that fits. */
  contextSize: number | null;
  /** Null lets the engine decide how many layers go to the GPU. */
  gpuLayers: number | null;
  /** The most tokens one answer may take; an answer cut there can be continued. */
  maxAnswerTokens: number;
};

export type ThemePreference = 'light' | 'dark' | 'system';

/**
 * The chats' model states saved on disk, so a reopened chat answers without reading its whole
 * conversation again: the space they take, and the most they may take (GB as the person sets it).
 */
export type ChatStatesUse = { bytes: number; chats: number; budgetGb: number };

/**
 * What the sync engine is doing (the sidebar indicator, Settings → Sync): @codeface/sync's
 * `SyncStatus`, which the app API returns as is. The renderer's sync store keeps the API's
 * `sync.view` as this file's `SyncView`, so the compiler checks the two stay in step.
 */
export type SyncState =
  'stopped' | 'syncing' | 'synced' | 'offline' | 'error' | 'signed-out' | 'update-required';

export type SyncStatus = {
  state: SyncState;
  lastSyncedAt: number | null;
  /** Local changes the server has not acknowledged yet. */
  toSend: number;
  /** While a new device catches up: changes received of those the server has. */
  progress: { received: number; total: number } | null;
  /** The last failure, in a sentence that says what to do. */
  error: { code: string; message: string } | null;
  retryAt: number | null;
  /** Remote changes set aside because they did not open or validate. */
  quarantined: number;
};

/** Settings → Sync as the app API reports it (`sync.view`). */
export type SyncView = {
  serverUrl: string | null;
  deviceName: string;
  email: string | null;
  signedIn: boolean;
  status: SyncStatus;
  recoveryKeyPending: boolean;
  secrets: 'os-keychain' | 'user-only-file';
  /** The newest remote changes set aside, with their ids (`status.quarantined` counts all). */
  setAside: { changeId: string; reason: string; detail: string; at: number }[];
  /** Servers (host names) still to be told of a sign-out made here while offline. */
  signOutsWaiting: string[];
};

/** One device of the sync account. */
export type SyncDevice = {
  id: string;
  name: string;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
};

/**
 * How full the model's context window is with the open chat and the message being typed, counted
 * by the app (the loaded model's tokenizer; an estimate, `exact: false`, without one). A send is
 * refused exactly when `freeTokens < 0`.
 */
export type ContextBudget = {
  usedTokens: number;
  windowTokens: number;
  /** Tokens kept free for the answer. */
  answerTokens: number;
  /** How many more tokens the draft may take; negative: too long by that many. */
  freeTokens: number;
  /** Older messages that will be left out to fit. */
  droppedTurns: number;
  exact: boolean;
  /**
   * Prompt tokens the last answer read back from the chat's state saved on disk instead of
   * evaluating them (the chat was reopened, or the app restarted); 0 or absent when none.
   */
  restoredTokens?: number;
};
