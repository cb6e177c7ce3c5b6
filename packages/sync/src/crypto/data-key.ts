import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { z } from 'zod';
import { DATA_KEY_BYTES } from './change-cipher';
import { CryptoError } from './crypto-error';
import { base64UrlToBytes, bytesToBase64Url, utf8ToBytes } from './encoding';
import { secureRandomBytes, type RandomBytes } from './random';

/**
 * Argon2id cost of deriving the key-wrapping key from the passphrase. The defaults follow
 * OWASP's Argon2id guidance (m ≥ 46 MiB with t = 1, or more passes at lower memory): 64 MiB,
 * 3 passes, 1 lane, about a second in pure JavaScript. They travel inside the envelope, so they
 * can be raised later without breaking keys wrapped earlier.
 */
export const passphraseKdfSchema = z.strictObject({
  alg: z.literal('argon2id'),
  /** Passes. */
  t: z.number().int().min(1).max(16),
  /** Memory in KiB. */
  m: z
    .number()
    .int()
    .min(8)
    .max(1024 * 1024),
  /** Lanes. */
  p: z.number().int().min(1).max(4),
});
export type PassphraseKdf = z.infer<typeof passphraseKdfSchema>;

export const DEFAULT_PASSPHRASE_KDF: PassphraseKdf = { alg: 'argon2id', t: 3, m: 64 * 1024, p: 1 };

const WRAPPED_KEY_VERSION = 1;
const SALT_BYTES = 16;
const NONCE_BYTES = 24;

const envelopeSchema = z.strictObject({
  v: z.literal(WRAPPED_KEY_VERSION),
  kdf: passphraseKdfSchema,
  salt: z.string(),
  nonce: z.string(),
  ct: z.string(),
});

/** A fresh random 32-byte account data key. */
export function generateDataKey(randomBytes: RandomBytes = secureRandomBytes): Uint8Array {
  return randomBytes(DATA_KEY_BYTES);
}

export type WrapDataKeyOptions = {
  dataKey: Uint8Array;
  passphrase: string;
  kdf?: PassphraseKdf;
  randomBytes?: RandomBytes;
};

/**
 * Wraps the data key with a key derived from the passphrase (Argon2id) and XChaCha20-Poly1305.
 * The result is a JSON envelope the server stores opaquely; the KDF parameters are bound to it as
 * associated data so that a server cannot weaken them for the next unwrap.
 */
export async function wrapDataKey(options: WrapDataKeyOptions): Promise<string> {
  const random = options.randomBytes ?? secureRandomBytes;
  const kdf = options.kdf ?? DEFAULT_PASSPHRASE_KDF;
  const salt = random(SALT_BYTES);
  const nonce = random(NONCE_BYTES);
  const wrappingKey = await deriveWrappingKey({ passphrase: options.passphrase, salt, kdf });
  const ct = xchacha20poly1305(wrappingKey, nonce, associatedData(kdf)).encrypt(options.dataKey);
  return JSON.stringify({
    v: WRAPPED_KEY_VERSION,
    kdf,
    salt: bytesToBase64Url(salt),
    nonce: bytesToBase64Url(nonce),
    ct: bytesToBase64Url(ct),
  } satisfies z.infer<typeof envelopeSchema>);
}

export type UnwrapDataKeyOptions = { wrappedDataKey: string; passphrase: string };

/** Opens what {@link wrapDataKey} wrapped; a wrong passphrase is a `CryptoError`. */
export async function unwrapDataKey(options: UnwrapDataKeyOptions): Promise<Uint8Array> {
  const envelope = parseEnvelope(options.wrappedDataKey);
  const salt = base64UrlToBytes(envelope.salt);
  const wrappingKey = await deriveWrappingKey({
    passphrase: options.passphrase,
    salt,
    kdf: envelope.kdf,
  });
  try {
    return xchacha20poly1305(
      wrappingKey,
      base64UrlToBytes(envelope.nonce),
      associatedData(envelope.kdf),
    ).decrypt(base64UrlToBytes(envelope.ct));
  } catch {
    throw new CryptoError('decrypt-failure', 'The data key does not open with this passphrase.', {
      what: 'wrapped-data-key',
    });
  }
}

function parseEnvelope(text: string): z.infer<typeof envelopeSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CryptoError('malformed', 'The wrapped data key is not JSON.', {
      what: 'wrapped-data-key',
    });
  }
  const version = (json as { v?: unknown } | null)?.v;
  if (version !== WRAPPED_KEY_VERSION) {
    throw new CryptoError(
      'unsupported-version',
      `The wrapped data key has version ${String(version)}, which this version cannot open.`,
      { what: 'wrapped-data-key', version },
    );
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw new CryptoError('malformed', 'The wrapped data key is missing fields.', {
      what: 'wrapped-data-key',
    });
  }
  return parsed.data;
}

function associatedData(kdf: PassphraseKdf): Uint8Array {
  return utf8ToBytes(
    `codeface-wrapped-key:v${WRAPPED_KEY_VERSION}:${kdf.alg}:${kdf.t}:${kdf.m}:${kdf.p}`,
  );
}

async function deriveWrappingKey(options: {
  passphrase: string;
  salt: Uint8Array;
  kdf: PassphraseKdf;
}): Promise<Uint8Array> {
  const { t, m, p } = options.kdf;
  return argon2idAsync(utf8ToBytes(options.passphrase), options.salt, {
    t,
    m,
    p,
    dkLen: DATA_KEY_BYTES,
  });
}
