import { z } from 'zod';
import { ClockError, parseHlc } from './hlc';
import { type ChangeEntity, chatSchema, messageSchema, presetSchema } from './schemas';
import { type SettingKey, settingKeys, settingsSchema } from './settings-schema';

/**
 * The fields a remote change may write, per entity, with the types their columns take. A change
 * the sync engine hands to `store.sync.applyRemote` has passed these, so the merge never fails
 * half-way on a value its table refuses.
 */
const syncedChatFieldsSchema = chatSchema
  .omit({ id: true, lastActivityAt: true })
  .extend({
    /** The message the chat shows (its branch head); a new message moves it too. */
    headMessageId: z.string().min(1),
  })
  .partial()
  .strict();

const syncedMessageFieldsSchema = messageSchema.omit({ id: true }).partial().strict();

const syncedPresetFieldsSchema = presetSchema.omit({ id: true }).partial().strict();

/**
 * Fields written once, by the change that creates the entity, and never after: a change that
 * names one must name them all (it is the entity's create). They decide where an entity belongs
 * (a message's chat and parent), so they are not last-writer-wins.
 */
export const CREATION_FIELDS = {
  chat: ['source', 'createdAt'],
  message: ['chatId', 'parentId', 'role', 'createdAt'],
  preset: ['createdAt'],
  setting: [],
} as const satisfies Record<SyncedEntity, readonly string[]>;

/** Every logged entity but local model records, which belong to the device. */
export type SyncedEntity = Exclude<ChangeEntity, 'model'>;

/** The device an HLC names, or null when the text is not an HLC. */
function nodeOf(text: string): string | null {
  try {
    return parseHlc(text).node;
  } catch (error) {
    if (error instanceof ClockError) return null;
    throw error;
  }
}

const hlcSchema = z
  .string()
  .refine((text) => nodeOf(text) !== null, 'is not a hybrid logical clock timestamp');

const changeBase = {
  id: z.string().min(1),
  entityId: z.string().min(1),
  hlc: hlcSchema,
  deviceId: z.string().min(1),
};

const putOf = <Entity extends SyncedEntity, Fields extends z.ZodType>(
  entity: Entity,
  fields: Fields,
) => z.strictObject({ ...changeBase, entity: z.literal(entity), op: z.literal('put'), fields });

const deleteOf = <Entity extends SyncedEntity>(entity: Entity) =>
  z.strictObject({
    ...changeBase,
    entity: z.literal(entity),
    op: z.literal('delete'),
    fields: z.strictObject({}),
  });

const settingPut = z.strictObject({
  ...changeBase,
  entity: z.literal('setting'),
  entityId: z.enum(settingKeys as [SettingKey, ...SettingKey[]]),
  op: z.literal('put'),
  fields: z.strictObject({ value: z.unknown() }),
});

/**
 * A change made on another device, as the merge takes it. Messages and settings are never
 * deleted on their own (a chat's tombstone takes its messages with it).
 */
export const remoteChangeSchema = z
  .discriminatedUnion('entity', [
    z.discriminatedUnion('op', [putOf('chat', syncedChatFieldsSchema), deleteOf('chat')]),
    putOf('message', syncedMessageFieldsSchema),
    z.discriminatedUnion('op', [putOf('preset', syncedPresetFieldsSchema), deleteOf('preset')]),
    settingPut,
  ])
  .superRefine((change, context) => {
    const node = nodeOf(change.hlc);
    if (node !== null && node !== change.deviceId) {
      context.addIssue({ code: 'custom', path: ['hlc'], message: 'is not from deviceId' });
    }
    if (change.entity === 'setting') {
      const parsed = settingsSchema.shape[change.entityId].safeParse(change.fields.value);
      if (!parsed.success || change.fields.value === undefined) {
        context.addIssue({ code: 'custom', path: ['fields', 'value'], message: 'invalid value' });
      }
      return;
    }
    const creation: readonly string[] = CREATION_FIELDS[change.entity];
    const named = creation.filter((field) => field in change.fields);
    if (named.length > 0 && named.length < creation.length) {
      context.addIssue({
        code: 'custom',
        path: ['fields'],
        message: `names some of the creation fields (${creation.join(', ')}) but not all`,
      });
    }
  });
export type RemoteChange = z.infer<typeof remoteChangeSchema>;

/** A remote change that could not be opened or validated, kept aside (never applied). */
export const quarantinedChangeSchema = z.object({
  changeId: z.string().min(1),
  /** The server's sequence number of the change. */
  seq: z.number().int().positive(),
  deviceId: z.string().min(1),
  /** Why it was set aside, e.g. `decrypt-failure`, `invalid-change`, `unsupported-version`. */
  reason: z.string().min(1),
  /** What a person (or a bug report) needs: the first problem found, never the plaintext. */
  detail: z.string(),
  /** The sealed change as the server sent it, so that a newer app can try it again. */
  ciphertext: z.string(),
  quarantinedAt: z.number().int(),
});
export type QuarantinedChange = z.infer<typeof quarantinedChangeSchema>;
