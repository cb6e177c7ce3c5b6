import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { CryptoError } from './crypto-error';
import { base64UrlToBytes, bytesToBase64Url, utf8ToBytes } from './encoding';
import { secureRandomBytes, type RandomBytes } from './random';

const WRAPPED_KEY_V2 = 2;
const NONCE_BYTES = 24;
const RECOVERY_KEY_BYTES = 32;

/** What a v2 envelope's key came from: the password's wrapping key, or the recovery key. */
export type KeyWrapPurpose = 'password' | 'recovery';

const envelopeSchema = z.strictObject({
  v: z.literal(WRAPPED_KEY_V2),
  purpose: z.enum(['password', 'recovery']),
  nonce: z.string(),
  ct: z.string(),
});

/**
 * Wraps the data key under a 32-byte key with XChaCha20-Poly1305; the version and purpose are
 * the associated data, so a server cannot pass one envelope off as the other.
 */
export function wrapDataKeyWithKey(options: {
  dataKey: Uint8Array;
  wrappingKey: Uint8Array;
  purpose: KeyWrapPurpose;
  randomBytes?: RandomBytes;
}): string {
  const nonce = (options.randomBytes ?? secureRandomBytes)(NONCE_BYTES);
  const ct = xchacha20poly1305(options.wrappingKey, nonce, aad(options.purpose)).encrypt(
    options.dataKey,
  );
  return JSON.stringify({
    v: WRAPPED_KEY_V2,
    purpose: options.purpose,
    nonce: bytesToBase64Url(nonce),
    ct: bytesToBase64Url(ct),
  } satisfies z.infer<typeof envelopeSchema>);
}

/** Opens what {@link wrapDataKeyWithKey} wrapped; the wrong key is a `CryptoError`. */
export function unwrapDataKeyWithKey(options: {
  wrappedDataKey: string;
  wrappingKey: Uint8Array;
}): Uint8Array {
  let json: unknown;
  try {
    json = JSON.parse(options.wrappedDataKey);
  } catch {
    json = undefined;
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw new CryptoError('malformed', 'The wrapped data key is not a v2 envelope.', {
      what: 'wrapped-data-key',
    });
  }
  const { purpose, nonce, ct } = parsed.data;
  try {
    return xchacha20poly1305(options.wrappingKey, base64UrlToBytes(nonce), aad(purpose)).decrypt(
      base64UrlToBytes(ct),
    );
  } catch {
    throw new CryptoError(
      'decrypt-failure',
      `The data key does not open with this ${purpose} key.`,
      {
        what: 'wrapped-data-key',
      },
    );
  }
}

/** A fresh recovery key, as the user writes it down: 32 random bytes in base64url. */
export function generateRecoveryKey(randomBytes: RandomBytes = secureRandomBytes): string {
  return bytesToBase64Url(randomBytes(RECOVERY_KEY_BYTES));
}

/**
 * The recovery key's two keys, split like a password's (account-keys.ts): a server secret the
 * server can check at a recovery sign-in, and the key that wraps the data key. No Argon2id: the
 * recovery key is 256 random bits, not something a person chose.
 */
export function deriveRecoveryKeys(recoveryKey: string): {
  serverSecret: string;
  wrappingKey: Uint8Array;
} {
  let bytes: Uint8Array | undefined;
  try {
    bytes = base64UrlToBytes(recoveryKey.trim());
  } catch {
    bytes = undefined;
  }
  if (bytes?.length !== RECOVERY_KEY_BYTES) {
    throw new CryptoError('malformed', 'This is not a recovery key: check what was typed.', {
      what: 'recovery-key',
    });
  }
  const expand = (label: string) => hkdf(sha256, bytes, undefined, utf8ToBytes(label), 32);
  return {
    serverSecret: bytesToBase64Url(expand('codeface/v2/recovery-server-secret')),
    wrappingKey: expand('codeface/v2/recovery-wrapping'),
  };
}

function aad(purpose: KeyWrapPurpose): Uint8Array {
  return utf8ToBytes(`codeface-wrapped-key:v${WRAPPED_KEY_V2}:${purpose}`);
}
