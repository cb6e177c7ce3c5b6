import { z } from 'zod';
import { AppError } from '../errors';
import { chatSchema, messageSchema, stopReasonSchema } from '../schemas';
import type { Chat, ExportFormat, Message } from '../schemas';
import type { ChatService } from './chat-service';
import type { ChatStore, Clock } from './ports';

/** Version of the JSON export format (see SPEC.md); bumped on any incompatible change. */
export const CHAT_EXPORT_VERSION = 2;

const currentExportSchema = z.object({
  format: z.literal('codeface.chats'),
  version: z.literal(CHAT_EXPORT_VERSION),
  exportedAt: z.number(),
  chats: z.array(z.object({ chat: chatSchema, messages: z.array(messageSchema) })),
});
export type ChatExport = z.infer<typeof currentExportSchema>;

/**
 * Version 1 named a chat's preset `presetId` and an answer's figures `tokens` and `ttftMs`,
 * before the API took the database's names (0492), and its answers had no `stopReason` (0472);
 * its files still import.
 */
const version1ExportSchema = z
  .object({
    format: z.literal('codeface.chats'),
    version: z.literal(1),
    exportedAt: z.number(),
    chats: z.array(
      z.object({
        chat: chatSchema.omit({ preset: true }).extend({ presetId: z.string().nullable() }),
        messages: z.array(
          messageSchema.omit({ completionTokens: true, timeToFirstTokenMs: true }).extend({
            tokens: z.number().nullable(),
            ttftMs: z.number().nullable(),
            stopReason: stopReasonSchema.nullable().default(null),
          }),
        ),
      }),
    ),
  })
  .transform((file): ChatExport => ({
    ...file,
    version: CHAT_EXPORT_VERSION,
    chats: file.chats.map(({ chat: { presetId, ...chat }, messages }) => ({
      chat: { ...chat, preset: presetId },
      messages: messages.map(({ tokens, ttftMs, ...message }) => ({
        ...message,
        completionTokens: tokens,
        timeToFirstTokenMs: ttftMs,
      })),
    })),
  }));

export const chatExportSchema = z.union([currentExportSchema, version1ExportSchema]);

export type ExportFile = { filename: string; mimeType: string; content: string };

const roleHeading: Record<Message['role'], string> = {
  system: 'System',
  user: 'You',
  assistant: 'Assistant',
};

function safeFilename(title: string): string {
  const cleaned = title
    .replace(/[^\p{L}\p{N} _-]+/gu, '')
    .trim()
    .replace(/\s+/g, '-');
  return cleaned.slice(0, 60) || 'chat';
}

/** Export of chats as Markdown (the active branch, for reading) or JSON (everything, to import). */
export class ExportService {
  constructor(private readonly deps: { store: ChatStore; chats: ChatService; now: Clock }) {}

  export(input: { chatIds: string[]; format: ExportFormat }): ExportFile {
    const chats = input.chatIds.map((chatId) => this.deps.chats.get(chatId));
    const stem = chats.length === 1 && chats[0] ? safeFilename(chats[0].title) : 'codeface-chats';
    if (input.format === 'markdown') {
      return {
        filename: `${stem}.md`,
        mimeType: 'text/markdown',
        content: chats.map((chat) => this.markdownOf(chat)).join('\n\n---\n\n'),
      };
    }
    const document: ChatExport = {
      format: 'codeface.chats',
      version: CHAT_EXPORT_VERSION,
      exportedAt: this.deps.now(),
      chats: chats.map((chat) => ({ chat, messages: this.deps.store.listMessages(chat.id) })),
    };
    return {
      filename: `${stem}.json`,
      mimeType: 'application/json',
      content: JSON.stringify(document, null, 2),
    };
  }

  /** Imports a JSON export as new chats (new ids, so importing twice never clashes). */
  import(content: string): { chatIds: string[] } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new AppError(
        'invalid-import',
        'This file is not JSON. Pick a file exported from CodeFace as JSON.',
      );
    }
    const result = chatExportSchema.safeParse(parsed);
    if (!result.success) {
      throw new AppError(
        'invalid-import',
        `This file is not a CodeFace chat export (version ${CHAT_EXPORT_VERSION}): ${z.prettifyError(result.error)}`,
      );
    }
    const chatIds: string[] = [];
    for (const { chat, messages } of result.data.chats) {
      const created = this.deps.store.createChat({
        title: chat.title,
        preset: chat.preset,
        systemPrompt: chat.systemPrompt,
        source: chat.source,
        model: chat.model,
      });
      if (chat.pinned || chat.archived) {
        this.deps.store.updateChat({
          chatId: created.id,
          pinned: chat.pinned,
          archived: chat.archived,
        });
      }
      const newIds = new Map<string, string>();
      // Parents come before children in an export; any orphan is attached to the root.
      for (const message of messages) {
        const parentId = message.parentId === null ? null : (newIds.get(message.parentId) ?? null);
        const added = this.deps.store.appendMessage({
          chatId: created.id,
          parentId,
          role: message.role,
          content: message.content,
          model: message.model,
        });
        newIds.set(message.id, added.id);
      }
      chatIds.push(created.id);
    }
    return { chatIds };
  }

  private markdownOf(chat: Chat): string {
    const lines = [`# ${chat.title}`];
    if (chat.systemPrompt)
      lines.push('', `> System prompt: ${chat.systemPrompt.replace(/\n/g, '\n> ')}`);
    for (const message of this.deps.store.activeBranch(chat.id)) {
      lines.push('', `## ${roleHeading[message.role]}`, '', message.content);
    }
    return lines.join('\n');
  }
}
