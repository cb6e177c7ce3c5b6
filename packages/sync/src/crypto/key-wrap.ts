import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { DATA_KEY_BYTES } from './change-cipher';
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

/** A fresh random 32-byte account data key: it seals every change and is never sent bare. */
export function generateDataKey(randomBytes: RandomBytes = secureRandomBytes): Uint8Array {
  return randomBytes(DATA_KEY_BYTES);
}

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

/** Crockford's base32: no I, L, O or U, so what is read aloud or copied by hand survives. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 256 bits in 5-bit characters: 52, the last carrying 4 zero bits. */
const RECOVERY_KEY_CHARS = 52;
const GROUP = 4;

/**
 * A fresh recovery key, as a person writes it down: 32 random bytes in Crockford base32, in
 * 13 groups of 4 (`7XQ2-M0RA-…`). Shown once; it opens the account if the password is lost.
 */
export function generateRecoveryKey(randomBytes: RandomBytes = secureRandomBytes): string {
  const bytes = randomBytes(RECOVERY_KEY_BYTES);
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  text += CROCKFORD[(value << (5 - bits)) & 31];
  return text.replace(new RegExp(`(.{${GROUP}})(?=.)`, 'g'), '$1-');
}

/**
 * The bytes of a recovery key as typed: case, spaces and dashes do not matter, and O, I and L
 * read as 0, 1 and 1. Anything else, a wrong length or stray trailing bits is not a key.
 */
function recoveryKeyBytes(typed: string): Uint8Array | undefined {
  const text = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (text.length !== RECOVERY_KEY_CHARS) return undefined;
  const bytes = new Uint8Array(RECOVERY_KEY_BYTES);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of text) {
    const digit = CROCKFORD.indexOf(char);
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bytes[at++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return (value & ((1 << bits) - 1)) === 0 ? bytes : undefined;
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
  const bytes = recoveryKeyBytes(recoveryKey);
  if (!bytes) {
    throw new CryptoError(
      'malformed',
      'This is not a recovery key: it has 52 letters and digits in groups of 4; check what was typed.',
      { what: 'recovery-key' },
    );
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
