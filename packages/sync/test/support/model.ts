import type { RemoteChange, Store } from '@codeface/db';
import { SYNCED_SETTINGS } from '../../src/engine/scope';

/**
 * The expected result of merging a set of changes, computed the plain way (an oracle for the
 * property tests, independent of the store's merge): per entity field the value of the write
 * with the greatest HLC; a deleted chat or preset gone with everything in it; a message shown
 * when its chat and all its ancestors are; a chat's head at the latest of its explicit
 * switches and its messages' creates.
 */
export function expectedState(changes: readonly RemoteChange[]) {
  type Register = { value: unknown; hlc: string };
  const entities = new Map<string, { deleted: boolean; fields: Map<string, Register> }>();
  const write = (key: string, field: string, register: Register) => {
    const entity = entities.get(key) ?? { deleted: false, fields: new Map() };
    entities.set(key, entity);
    const current = entity.fields.get(field);
    if (current === undefined || register.hlc > current.hlc) entity.fields.set(field, register);
  };
  for (const change of changes) {
    const key = `${change.entity}:${change.entityId}`;
    if (change.op === 'delete') {
      const entity = entities.get(key) ?? { deleted: false, fields: new Map() };
      entity.deleted = true;
      entities.set(key, entity);
      continue;
    }
    for (const [field, value] of Object.entries(change.fields)) {
      write(key, field, { value, hlc: change.hlc });
    }
    if (change.entity === 'message' && 'chatId' in change.fields) {
      write(`chat:${String(change.fields.chatId)}`, 'headMessageId', {
        value: change.entityId,
        hlc: change.hlc,
      });
    }
  }
  const value = (key: string, field: string) => entities.get(key)?.fields.get(field)?.value;
  const live = (key: string) => {
    const entity = entities.get(key);
    return entity !== undefined && !entity.deleted && entity.fields.has('createdAt');
  };

  const chatIds = [...entities.keys()]
    .filter((key) => key.startsWith('chat:') && live(key))
    .map((key) => key.slice(5))
    .sort();
  const messageVisible = (id: string, depth = 0): boolean => {
    const key = `message:${id}`;
    if (!live(key) || depth > 10_000) return false;
    if (!chatIds.includes(String(value(key, 'chatId')))) return false;
    const parent = value(key, 'parentId');
    return parent === null || (typeof parent === 'string' && messageVisible(parent, depth + 1));
  };
  const messageIds = [...entities.keys()]
    .filter((key) => key.startsWith('message:'))
    .map((key) => key.slice(8))
    .filter((id) => messageVisible(id))
    .sort();

  return {
    chats: chatIds.map((id) => ({
      id,
      title: value(`chat:${id}`, 'title') ?? '',
      pinned: value(`chat:${id}`, 'pinned') ?? false,
      archived: value(`chat:${id}`, 'archived') ?? false,
      preset: value(`chat:${id}`, 'preset') ?? null,
      systemPrompt: value(`chat:${id}`, 'systemPrompt') ?? null,
      head: value(`chat:${id}`, 'headMessageId') ?? null,
    })),
    messages: messageIds.map((id) => ({
      id,
      chatId: value(`message:${id}`, 'chatId'),
      parentId: value(`message:${id}`, 'parentId'),
      content: value(`message:${id}`, 'content') ?? '',
      status: value(`message:${id}`, 'status') ?? 'done',
    })),
    presets: [...entities.keys()]
      .filter((key) => key.startsWith('preset:') && live(key))
      .map((key) => key.slice(7))
      .sort()
      .map((id) => ({
        id,
        name: value(`preset:${id}`, 'name'),
        systemPrompt: value(`preset:${id}`, 'systemPrompt'),
        maxAnswerTokens: value(`preset:${id}`, 'maxAnswerTokens'),
      })),
    settings: SYNCED_SETTINGS.filter((key) => entities.has(`setting:${key}`)).map((key) => ({
      key,
      value: value(`setting:${key}`, 'value'),
    })),
  };
}

/** The same view of a store, to compare with `expectedState`. */
export function observedState(store: Store) {
  const chats = store.db.prepare('SELECT id FROM chats ORDER BY id').all() as { id: string }[];
  const heads = new Map(
    (
      store.db.prepare('SELECT chat_id, message_id FROM branch_heads').all() as {
        chat_id: string;
        message_id: string;
      }[]
    ).map((row) => [row.chat_id, row.message_id]),
  );
  return {
    chats: chats.map(({ id }) => {
      const chat = store.chats.get(id);
      return {
        id,
        title: chat?.title,
        pinned: chat?.pinned,
        archived: chat?.archived,
        preset: chat?.preset,
        systemPrompt: chat?.systemPrompt,
        head: heads.get(id) ?? null,
      };
    }),
    messages: (
      store.db.prepare('SELECT id FROM messages ORDER BY id').all() as { id: string }[]
    ).map(({ id }) => {
      const message = store.messages.get(id);
      return {
        id,
        chatId: message?.chatId,
        parentId: message?.parentId,
        content: message?.content,
        status: message?.status,
      };
    }),
    presets: store.presets
      .list()
      .map((preset) => ({
        id: preset.id,
        name: preset.name,
        systemPrompt: preset.systemPrompt,
        maxAnswerTokens: preset.maxAnswerTokens,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    settings: SYNCED_SETTINGS.filter(
      (key) => store.db.prepare('SELECT 1 FROM settings WHERE key = ?').get(key) !== undefined,
    ).map((key) => ({ key, value: store.settings.get(key) })),
  };
}
