import { z } from 'zod';
import { DEFAULT_SYNC_LIMITS } from './limits';

/**
 * Identifiers chosen by clients (change ids, device ids in changes): opaque, URL-safe, short.
 * A UUID or a ULID fits; the server never interprets them.
 */
export const clientIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -');

/** Bytes on the wire: unpadded base64url. */
export const base64UrlSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url')
  .refine((value) => value.length % 4 !== 1, 'is not a valid base64url length');

/** Server-assigned identifiers (users, devices): UUIDs. */
export const serverIdSchema = z.uuid();

/** A per-user sequence number: 1, 2, 3, … with no gaps; 0 means "before the first change". */
export const sequenceSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A change as the server sees it. Everything else about it (entity, entity id, operation, HLC,
 * fields) is sealed inside `ciphertext` with the account's data key, the change id being the
 * associated data, so the server cannot move a ciphertext to another change id unnoticed.
 */
export const sealedChangeSchema = z.strictObject({
  id: clientIdSchema,
  deviceId: clientIdSchema,
  ciphertext: base64UrlSchema.min(1),
});
export type SealedChange = z.infer<typeof sealedChangeSchema>;

/** A change as pull returns it: the sealed change and the sequence number the server gave it. */
export const storedChangeSchema = sealedChangeSchema.extend({ seq: sequenceSchema.min(1) });
export type StoredChange = z.infer<typeof storedChangeSchema>;

export const pushInputSchema = z.strictObject({
  changes: z.array(sealedChangeSchema).min(1),
});
export type PushInput = z.infer<typeof pushInputSchema>;

export const pushOutputSchema = z.object({
  /** One entry per distinct change id of the batch, in batch order; a duplicate gets its old seq. */
  accepted: z.array(z.object({ id: clientIdSchema, seq: sequenceSchema.min(1) })),
  /** How many of the batch's changes were new to the server. */
  inserted: z.number().int().min(0),
  highWaterMark: sequenceSchema,
});
export type PushOutput = z.infer<typeof pushOutputSchema>;

export const pullInputSchema = z.strictObject({
  /** The last sequence number the device has; 0 to start from the beginning. */
  cursor: sequenceSchema,
  limit: z.number().int().min(1).max(DEFAULT_SYNC_LIMITS.maxPullChanges).optional(),
});
export type PullInput = z.infer<typeof pullInputSchema>;

export const pullOutputSchema = z.object({
  changes: z.array(storedChangeSchema),
  /** Pass as `cursor` to get the next page. */
  nextCursor: sequenceSchema,
  hasMore: z.boolean(),
  highWaterMark: sequenceSchema,
});
export type PullOutput = z.infer<typeof pullOutputSchema>;

/** What the `sync.subscribe` subscription yields: "pull now, the server has changes up to here". */
export const pullNowEventSchema = z.object({
  type: z.literal('pull-now'),
  highWaterMark: sequenceSchema,
});
export type PullNowEvent = z.infer<typeof pullNowEventSchema>;

/**
 * Matches a surrogate half without its partner. UTF-8 cannot encode one: a peer would store
 * U+FFFD instead, or refuse the text, and two different passwords would hash alike.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text a person or a client chose: every free-text field of the protocol is one. It refuses NUL
 * (Postgres `text` cannot hold it) and unpaired surrogates, so what a server stores is exactly
 * what was sent.
 */
export const textSchema = z
  .string()
  .refine(
    (value) => !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value),
    'must not contain NUL characters or unpaired surrogates',
  );

export const emailSchema = z.email().max(254);
export const passwordSchema = textSchema.min(10).max(1024);
export const deviceNameSchema = textSchema.trim().min(1).max(100);

/**
 * The account's data key wrapped by a key derived from the user's passphrase: an opaque
 * envelope to the server (see `@codeface/sync/crypto`), stored and returned as is.
 */
export const wrappedDataKeySchema = textSchema.min(1).max(4096);

export const signUpInputSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  deviceName: deviceNameSchema,
  wrappedDataKey: wrappedDataKeySchema,
});
export type SignUpInput = z.infer<typeof signUpInputSchema>;

export const signInInputSchema = z.strictObject({
  email: emailSchema,
  password: textSchema.min(1).max(1024),
  deviceName: deviceNameSchema,
});
export type SignInInput = z.infer<typeof signInInputSchema>;

export const sessionSchema = z.object({
  userId: serverIdSchema,
  deviceId: serverIdSchema,
  accessToken: z.string(),
  /** Epoch milliseconds after which the access token is refused. */
  accessTokenExpiresAt: z.number().int(),
  refreshToken: z.string(),
  wrappedDataKey: wrappedDataKeySchema,
});
export type Session = z.infer<typeof sessionSchema>;

export const refreshInputSchema = z.strictObject({ refreshToken: textSchema.min(1).max(512) });
export type RefreshInput = z.infer<typeof refreshInputSchema>;

export const changePasswordInputSchema = z.strictObject({
  currentPassword: textSchema.min(1).max(1024),
  newPassword: passwordSchema,
  /** A new wrapping of the same data key, when the client's passphrase changed with it. */
  wrappedDataKey: wrappedDataKeySchema.optional(),
});
export type ChangePasswordInput = z.infer<typeof changePasswordInputSchema>;

export const deleteAccountInputSchema = z.strictObject({ password: textSchema.min(1).max(1024) });
export type DeleteAccountInput = z.infer<typeof deleteAccountInputSchema>;

export const deviceSchema = z.object({
  id: serverIdSchema,
  name: z.string(),
  createdAt: z.number().int(),
  lastSeenAt: z.number().int(),
  current: z.boolean(),
});
export type Device = z.infer<typeof deviceSchema>;

export const revokeDeviceInputSchema = z.strictObject({ deviceId: serverIdSchema });
export type RevokeDeviceInput = z.infer<typeof revokeDeviceInputSchema>;

/**
 * Reason codes a client can act on, in `error.data.reason`. The HTTP status says the class
 * (400, 401, 403, 409, 413, 429); the reason says which case.
 */
export const SYNC_ERROR_REASONS = [
  'invalid-input',
  'protocol-version',
  'email-taken',
  'invalid-credentials',
  'unauthenticated',
  'token-expired',
  'device-revoked',
  'refresh-token-reused',
  'refresh-token-invalid',
  'not-found',
  'limit-exceeded',
  'rate-limited',
  'origin-not-allowed',
] as const;
export type SyncErrorReason = (typeof SYNC_ERROR_REASONS)[number];
