import type {
  Chat as DbChat,
  Message as DbMessage,
  Preset as DbPreset,
  Store,
  StreamingWriter,
} from '@codeface/db';
import type { Chat, Message, SearchHit } from '../schemas';
import type { Preset, Settings, SettingsPatch } from '../settings-schema';
import type { ChatStore, StreamingMessage } from '../services/ports';
import type { EmbeddingStore } from '../services/semantic-index';

function toChat(chat: DbChat): Chat {
  return {
    id: chat.id,
    title: chat.title,
    model: chat.model,
    preset: chat.preset,
    systemPrompt: chat.systemPrompt,
    source: chat.source,
    pinned: chat.pinned,
    archived: chat.archived,
    createdAt: chat.createdAt,
    updatedAt: Math.max(chat.updatedAt, chat.lastActivityAt),
  };
}

function toMessage(message: DbMessage): Message {
  return {
    id: message.id,
    chatId: message.chatId,
    parentId: message.parentId,
    role: message.role,
    content: message.content,
    status: message.status,
    model: message.model,
    completionTokens: message.completionTokens,
    timeToFirstTokenMs: message.timeToFirstTokenMs,
    tokensPerSecond: message.tokensPerSecond,
    stopReason: message.stopReason,
    createdAt: message.createdAt,
  };
}

function toPreset(preset: DbPreset): Preset {
  return {
    id: preset.id,
    name: preset.name,
    systemPrompt: preset.systemPrompt,
    maxAnswerTokens: preset.maxAnswerTokens,
    builtin: false,
  };
}

/** The app's view of a db writer: the same ends for a new answer and a continued one. */
function streamingMessage(store: Store, writer: StreamingWriter): StreamingMessage {
  const message = store.messages.get(writer.messageId);
  if (message === null) throw new Error('The streaming message was not saved.');
  return {
    message: toMessage(message),
    append: (text) => writer.append(text),
    // The figures are the database's own fields (0492): the writer takes them as they are.
    finish: (stats) => toMessage(writer.finish(stats)),
    interrupt: (stats) =>
      toMessage(
        writer.fail({
          ...stats,
          error: 'Stopped before the answer was complete.',
          status: 'interrupted',
        }),
      ),
    fail: (reason) => toMessage(writer.fail({ error: reason, status: 'error' })),
  };
}

/** The app API's store over @codeface/db: chats, branches, streaming writes, search, settings, presets. */
export function createDbChatStore(store: Store): ChatStore {
  return {
    listChats: (options) => store.chats.list(options).map(toChat),
    getChat(chatId) {
      const chat = store.chats.get(chatId);
      return chat === null ? undefined : toChat(chat);
    },
    createChat: (chat) =>
      toChat(
        store.chats.create({
          title: chat.title,
          model: chat.model,
          preset: chat.preset,
          systemPrompt: chat.systemPrompt,
          source: chat.source,
        }),
      ),
    updateChat(patch) {
      const { chatId, ...edit } = patch;
      return toChat(store.chats.update(chatId, edit));
    },
    deleteChat: (chatId) => store.chats.delete(chatId),
    getMessage(messageId) {
      const message = store.messages.get(messageId);
      return message === null ? undefined : toMessage(message);
    },
    listMessages: (chatId) => store.messages.listByChat(chatId).map(toMessage),
    activeBranch: (chatId) => store.messages.activeBranch(chatId).map(toMessage),
    siblings: (messageId) => store.messages.siblings(messageId).map(toMessage),
    switchBranch(messageId) {
      store.messages.switchBranch(messageId);
    },
    appendMessage: (message) =>
      toMessage(
        store.messages.append({
          chatId: message.chatId,
          parentId: message.parentId,
          role: message.role,
          content: message.content,
          model: message.model ?? null,
        }),
      ),
    startStreaming(input): StreamingMessage {
      const writer = store.messages.startStreaming({
        chatId: input.chatId,
        parentId: input.parentId,
        model: input.model ?? null,
      });
      // A new answer is what the person wants to see, also when it is a new branch.
      store.messages.switchBranch(writer.messageId);
      return streamingMessage(store, writer);
    },
    continueStreaming: (messageId) =>
      streamingMessage(store, store.messages.resumeStreaming(messageId)),
    search(query): SearchHit[] {
      // Newest first, with no score: full-text search ranks by recency, not relevance.
      return store.search(query.text, { chatId: query.chatId, limit: query.limit }).map((hit) => ({
        chatId: hit.chatId,
        chatTitle: hit.chatTitle,
        messageId: hit.messageId,
        role: hit.role,
        snippet: hit.snippet,
        createdAt: hit.createdAt,
      }));
    },
    readSettings(): Settings {
      const all = store.settings.getAll();
      return {
        theme: all.theme,
        temperature: all.temperature,
        contextSize: all.contextSize,
        gpuLayers: all.gpuLayers,
        maxAnswerTokens: all.maxAnswerTokens,
        sendOnEnter: all.sendOnEnter,
        defaultModelId: all.defaultModelId,
        defaultPreset: all.defaultPreset,
        modelFolders: all.modelFolders,
        quickAskHotkey: all.quickAskHotkey,
        quickAskUseClipboard: all.quickAskUseClipboard,
        workspaceFolder: all.workspaceFolder,
        crashReports: all.crashReports,
        crashReportsDsn: all.crashReportsDsn,
        updateFeedUrl: all.updateFeedUrl,
        chatStatesBudgetGb: all.chatStatesBudgetGb,
      };
    },
    listPresets: () => store.presets.list().map(toPreset),
    savePreset: ({ id, name, systemPrompt, maxAnswerTokens = null }) =>
      toPreset(
        id !== undefined && store.presets.get(id) !== null
          ? store.presets.update(id, { name, systemPrompt, maxAnswerTokens })
          : store.presets.create({ id, name, systemPrompt, maxAnswerTokens }),
      ),
    deletePreset(presetId) {
      if (store.presets.get(presetId) === null) return false;
      store.presets.delete(presetId);
      return true;
    },
    writeSettings(patch: SettingsPatch) {
      store.db.transaction(() => {
        for (const [key, value] of Object.entries(patch) as [
          keyof Settings,
          Settings[keyof Settings],
        ][]) {
          store.settings.set(key, value);
        }
      })();
    },
  };
}

/** Message vectors and hybrid (full-text + vector) search over @codeface/db. */
export function createDbEmbeddingStore(store: Store): EmbeddingStore {
  return {
    missing: (model, limit) => store.embeddings.missing(model, limit),
    put: (input) => store.embeddings.put(input),
    hybridSearch: (query, options) =>
      store.hybridSearch(query, options).map((hit) => ({
        chatId: hit.chatId,
        chatTitle: hit.chatTitle,
        messageId: hit.messageId,
        role: hit.role,
        snippet: hit.snippet,
        createdAt: hit.createdAt,
        score: hit.score,
        matchedBy: hit.matchedBy,
        distance: hit.distance,
      })),
  };
}
