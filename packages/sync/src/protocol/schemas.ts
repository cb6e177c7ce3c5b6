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
/** The password a person chooses; checked on the device, which never sends it. */
export const passwordSchema = textSchema.min(10).max(1024);
export const deviceNameSchema = textSchema.trim().min(1).max(100);

/**
 * The account's key-derivation parameters, as `account.params` returns them. The floors are
 * checked on the device as well as on the server: whoever answers in the server's name cannot
 * make a device derive a weaker key than 64 MiB and 3 passes of Argon2id over a 16-byte salt.
 */
export const accountKdfSchema = z.strictObject({
  alg: z.literal('argon2id'),
  /** Passes. */
  t: z.number().int().min(3).max(16),
  /** Memory in KiB. */
  m: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024),
  /** Lanes. */
  p: z.number().int().min(1).max(4),
  /** The account's random salt, unpadded base64url of 16 to 66 bytes. */
  salt: base64UrlSchema.min(22).max(88),
});
export type AccountKdf = z.infer<typeof accountKdfSchema>;

/**
 * A 32-byte secret a device derived and sends instead of what a person typed: the server
 * password (from the password, `deriveAccountKeys`) or the recovery secret (from the recovery
 * key, `deriveRecoveryKeys`). Unpadded base64url, 43 characters.
 */
export const derivedSecretSchema = base64UrlSchema.length(43);

/**
 * The account's data key wrapped under the password's or the recovery key's wrapping key: an
 * opaque envelope to the server (`wrapDataKeyWithKey`), stored and returned as is.
 */
export const wrappedDataKeySchema = textSchema.min(1).max(4096);

export const accountParamsInputSchema = z.strictObject({ email: emailSchema });

/** Before sign-in: the account's parameters, or a stable stand-in for an unknown email. */
export const accountParamsOutputSchema = z.object({ kdf: accountKdfSchema });
export type AccountParamsOutput = z.infer<typeof accountParamsOutputSchema>;

/** A recovery key as the server keeps it: its server secret and the data key wrapped under it. */
const recoveryInputSchema = z.strictObject({
  /** The recovery key's server secret (`deriveRecoveryKeys`); the server keeps its hash. */
  secret: derivedSecretSchema,
  /** The data key wrapped under the recovery key's wrapping key (purpose `recovery`). */
  wrappedDataKey: wrappedDataKeySchema,
});

export const signUpInputSchema = z.strictObject({
  email: emailSchema,
  /** The server password (`deriveAccountKeys`), never the password a person typed. */
  password: derivedSecretSchema,
  deviceName: deviceNameSchema,
  /** What the password was derived with, salt included (drawn on the device). */
  kdf: accountKdfSchema,
  /** The data key wrapped under the password's wrapping key (purpose `password`). */
  wrappedDataKey: wrappedDataKeySchema,
  recovery: recoveryInputSchema,
});
export type SignUpInput = z.infer<typeof signUpInputSchema>;

export const signInInputSchema = z.strictObject({
  email: emailSchema,
  password: derivedSecretSchema,
  deviceName: deviceNameSchema,
});
export type SignInInput = z.infer<typeof signInInputSchema>;

export const recoverySignInInputSchema = z.strictObject({
  email: emailSchema,
  recoverySecret: derivedSecretSchema,
  deviceName: deviceNameSchema,
});
export type RecoverySignInInput = z.infer<typeof recoverySignInInputSchema>;

export const sessionSchema = z.object({
  userId: serverIdSchema,
  deviceId: serverIdSchema,
  accessToken: z.string(),
  /** Epoch milliseconds after which the access token is refused. */
  accessTokenExpiresAt: z.number().int(),
  refreshToken: z.string(),
  /**
   * The data key as this device can open it: wrapped under the password's key, or under the
   * recovery key's after `account.signInWithRecoveryKey`.
   */
  wrappedDataKey: wrappedDataKeySchema,
});
export type Session = z.infer<typeof sessionSchema>;

export const refreshInputSchema = z.strictObject({ refreshToken: textSchema.min(1).max(512) });

/**
 * One call replaces the password: the proof is the current server password or, after a
 * sign-in with the recovery key, the recovery secret. The data key is re-wrapped, not changed.
 * A recovery key proves a change once: with it comes `recovery`, a new recovery key that
 * replaces it in the same statement (protocol 3).
 */
export const changePasswordInputSchema = z
  .strictObject({
    currentPassword: derivedSecretSchema.optional(),
    recoverySecret: derivedSecretSchema.optional(),
    newPassword: derivedSecretSchema,
    kdf: accountKdfSchema,
    wrappedDataKey: wrappedDataKeySchema,
    recovery: recoveryInputSchema.optional(),
  })
  .refine(
    (input) => (input.currentPassword === undefined) !== (input.recoverySecret === undefined),
    'send exactly one of currentPassword and recoverySecret',
  )
  .refine((input) => (input.recoverySecret === undefined) === (input.recovery === undefined), {
    message: 'send a new recovery with recoverySecret, and only then',
    path: ['recovery'],
  });
export type ChangePasswordInput = z.infer<typeof changePasswordInputSchema>;

export const deleteAccountInputSchema = z.strictObject({ password: derivedSecretSchema });
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
