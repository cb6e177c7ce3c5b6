import { hashRaw } from '@node-rs/argon2';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { base64UrlSchema } from '../protocol/schemas';
import { base64UrlToBytes, bytesToBase64Url, utf8ToBytes } from './encoding';

/** Argon2id's algorithm number in @node-rs/argon2 (its const enum cannot be imported here). */
const ARGON2ID = 2;

const KEY_BYTES = 32;

/**
 * The account's key-derivation parameters, as `account.params` returns them. The floors are
 * checked on the device: a server (or whoever answers in its name) cannot make a device derive
 * a weaker key than 64 MiB and 3 passes of Argon2id over a 16-byte salt.
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
  /** The account's random salt, unpadded base64url of at least 16 bytes. */
  salt: base64UrlSchema.min(22).max(88),
});
export type AccountKdf = z.infer<typeof accountKdfSchema>;

/** What a new account starts with (the salt is drawn per account). */
export const DEFAULT_ACCOUNT_KDF = { alg: 'argon2id', t: 3, m: 64 * 1024, p: 1 } as const;

/** The two keys one password gives; the password itself never leaves the device. */
export type AccountKeys = {
  /** Sent to the server instead of the password (which hashes it again to store it). */
  serverPassword: string;
  /** Wraps the account's data key; never sent. */
  wrappingKey: Uint8Array;
};

/**
 * Root key = Argon2id(password, salt, params); the server password and the data-key wrapping
 * key are two HKDF-SHA256 expansions of it under different labels, so knowing one says nothing
 * of the other: the server, which sees the first, cannot unwrap the data key.
 */
export async function deriveAccountKeys(options: {
  password: string;
  kdf: AccountKdf;
}): Promise<AccountKeys> {
  const kdf = accountKdfSchema.parse(options.kdf);
  const root = await hashRaw(utf8ToBytes(options.password), {
    algorithm: ARGON2ID,
    version: 1,
    timeCost: kdf.t,
    memoryCost: kdf.m,
    parallelism: kdf.p,
    outputLen: KEY_BYTES,
    salt: base64UrlToBytes(kdf.salt),
  });
  const expand = (label: string) =>
    hkdf(sha256, new Uint8Array(root), undefined, utf8ToBytes(label), KEY_BYTES);
  return {
    serverPassword: bytesToBase64Url(expand('codeface/v2/server-password')),
    wrappingKey: expand('codeface/v2/data-key-wrapping'),
  };
}
