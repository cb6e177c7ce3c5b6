import { AppError } from '../errors';
import type { BranchMessage, Chat, ChatUpdate, Message } from '../schemas';
import type { ChatStore } from './ports';

export const NEW_CHAT_TITLE = 'New chat';
const AUTO_TITLE_CHARS = 60;

/** Chats and their branches, over the store; every lookup that misses is a readable error. */
export class ChatService {
  constructor(
    private readonly store: ChatStore,
    /** Told of each deleted chat, so what is kept for it elsewhere goes too (its model state). */
    private readonly onDeleted: (chatId: string) => void = () => undefined,
  ) {}

  list(options: { includeArchived: boolean }): Chat[] {
    return this.store.listChats(options);
  }

  get(chatId: string): Chat {
    const chat = this.store.getChat(chatId);
    if (!chat) throw new AppError('chat-not-found', 'That chat no longer exists.', { chatId });
    return chat;
  }

  create(input: {
    title?: string;
    preset?: string | null;
    systemPrompt?: string | null;
    source?: Chat['source'];
  }): Chat {
    return this.store.createChat({
      title: input.title || NEW_CHAT_TITLE,
      preset: input.preset ?? null,
      systemPrompt: input.systemPrompt ?? null,
      source: input.source ?? 'chat',
      model: null,
    });
  }

  update(patch: ChatUpdate): Chat {
    this.get(patch.chatId);
    return this.store.updateChat(patch);
  }

  delete(chatId: string): void {
    this.get(chatId);
    this.store.deleteChat(chatId);
    this.onDeleted(chatId);
  }

  message(messageId: string): Message {
    const message = this.store.getMessage(messageId);
    if (!message)
      throw new AppError('message-not-found', 'That message no longer exists.', { messageId });
    return message;
  }

  /** The messages from the root down to this one, oldest first. */
  pathTo(messageId: string): Message[] {
    const path: Message[] = [];
    const seen = new Set<string>();
    let current: Message | undefined = this.message(messageId);
    while (current && !seen.has(current.id)) {
      seen.add(current.id);
      path.push(current);
      current = current.parentId === null ? undefined : this.store.getMessage(current.parentId);
    }
    return path.reverse();
  }

  /** The active branch with, for each message, its siblings for the `‹ 2/3 ›` control. */
  branch(chatId: string): BranchMessage[] {
    this.get(chatId);
    const all = this.store.listMessages(chatId);
    const byParent = new Map<string | null, string[]>();
    for (const message of all) {
      const ids = byParent.get(message.parentId) ?? [];
      ids.push(message.id);
      byParent.set(message.parentId, ids);
    }
    return this.store.activeBranch(chatId).map((message) => {
      const siblingIds = byParent.get(message.parentId) ?? [message.id];
      return { ...message, siblingIds, siblingIndex: Math.max(0, siblingIds.indexOf(message.id)) };
    });
  }

  switchBranch(messageId: string): BranchMessage[] {
    const message = this.message(messageId);
    this.store.switchBranch(messageId);
    return this.branch(message.chatId);
  }

  /** Names an untitled chat after the first line of its first question. */
  titleFromFirstMessage(chatId: string, content: string): void {
    const chat = this.get(chatId);
    if (chat.title !== NEW_CHAT_TITLE) return;
    const firstLine = content.trim().split('\n', 1)[0] ?? '';
    const title =
      firstLine.length > AUTO_TITLE_CHARS
        ? `${firstLine.slice(0, AUTO_TITLE_CHARS - 1)}…`
        : firstLine;
    if (title) this.store.updateChat({ chatId, title });
  }
}
