import type { Change, SettingKey, SyncedEntity } from '@codeface/db';

/**
 * What syncs between a person's devices: what belongs to the person. What belongs to a device
 * stays on it: model files and paths, GPU and thread settings, the hotkey, window state,
 * embeddings and KV caches (rebuilt locally). README.md has the list in words; this is it in code.
 */
export const SYNCED_FIELDS = {
  chat: [
    'title',
    'pinned',
    'archived',
    'preset',
    'systemPrompt',
    'source',
    'createdAt',
    'updatedAt',
    'headMessageId',
  ],
  message: [
    'chatId',
    'parentId',
    'role',
    'content',
    'status',
    'model',
    'error',
    'promptTokens',
    'completionTokens',
    'timeToFirstTokenMs',
    'tokensPerSecond',
    'stopReason',
    'createdAt',
    'updatedAt',
  ],
  preset: ['name', 'systemPrompt', 'maxAnswerTokens', 'createdAt', 'updatedAt'],
  setting: ['value'],
} as const satisfies Record<SyncedEntity, readonly string[]>;

export const SYNCED_ENTITIES = Object.keys(SYNCED_FIELDS) as SyncedEntity[];

/** The settings that are the person's: how the app looks and how answers are sampled. */
export const SYNCED_SETTINGS = [
  'theme',
  'defaultPreset',
  'temperature',
  'maxAnswerTokens',
  'sendOnEnter',
] as const satisfies readonly SettingKey[];

// Maps, not objects: an entity named "constructor" must find nothing, not Object's own.
const syncedFields: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(SYNCED_FIELDS).map(([entity, fields]) => [entity, new Set<string>(fields)]),
);
const syncedSettings: ReadonlySet<string> = new Set(SYNCED_SETTINGS);

/** The change as it travels between devices (everything but the local log position). */
export type OutgoingChange = Omit<Change, 'seq'>;

/** The shape `syncedPart` reads; outgoing, remote and just-opened changes all have it. */
type AnyChange = {
  entity: string;
  entityId: string;
  op: 'put' | 'delete';
  fields: Record<string, unknown>;
};

/**
 * The part of a change that syncs, or null when none does: an entity kept on the device, a
 * device setting, or an edit of device-only fields (a chat's model). Works both ways: on what
 * this device sends and on what it receives from a device that may sync more.
 */
export function syncedPart<T extends AnyChange>(change: T): T | null {
  const allowed = syncedFields.get(change.entity);
  if (allowed === undefined) return null;
  if (change.entity === 'setting' && !syncedSettings.has(change.entityId)) return null;
  if (change.op === 'delete') return change;
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(change.fields)) {
    if (allowed.has(field)) fields[field] = value;
  }
  if (Object.keys(fields).length === 0) return null;
  return { ...change, fields };
}
