import { hashRaw } from '@node-rs/argon2';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { accountKdfSchema, type AccountKdf } from '../protocol/schemas';
import { base64UrlToBytes, bytesToBase64Url, utf8ToBytes } from './encoding';

/** Argon2id's algorithm number in @node-rs/argon2 (its const enum cannot be imported here). */
const ARGON2ID = 2;

const KEY_BYTES = 32;

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
