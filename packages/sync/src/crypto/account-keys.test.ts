import { describe, expect, it } from 'vitest';
import { accountKdfSchema } from '../protocol/schemas';
import { deriveAccountKeys } from './account-keys';
import { bytesToBase64Url } from './encoding';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** The cost a new account gets by default (the sync server's `accountKdf` setting). */
const DEFAULT_ACCOUNT_KDF = { alg: 'argon2id', t: 3, m: 64 * 1024, p: 1 } as const;
/** Salt bytes 0x00…0x0f. */
const SALT = 'AAECAwQFBgcICQoLDA0ODw';

describe('account keys (protocol v2)', () => {
  it('derives the known answer: Argon2id root key (64 MiB, 3 passes), HKDF-SHA256 split', async () => {
    // Computed with @node-rs/argon2 and, independently, @noble/hashes' argon2id + hkdf
    // (root key 0d1a3c6523c8f06e4e0af9c515aa5b5448cfebd6838f2d52c3d8b6ef8ddc3c2e).
    const keys = await deriveAccountKeys({
      password: 'correct horse battery staple',
      kdf: { ...DEFAULT_ACCOUNT_KDF, salt: SALT },
    });
    expect(keys.serverPassword).toBe('cpEQ-WPaULiNIT7PQVPghVQK2uW2W8Opbd0UE5aBgx4');
    expect(hex(keys.wrappingKey)).toBe(
      '3893784a6b4228bf44f669b102f8b3a0f79eb837ca2178703916d6ddc91412ea',
    );
    // The server password is not the wrapping key in another encoding.
    expect(keys.serverPassword).not.toBe(bytesToBase64Url(keys.wrappingKey));
  });

  it('refuses parameters under the floors, whoever sent them', async () => {
    const weak = [
      { ...DEFAULT_ACCOUNT_KDF, salt: SALT, t: 2 },
      { ...DEFAULT_ACCOUNT_KDF, salt: SALT, m: 64 * 1024 - 1 },
      { ...DEFAULT_ACCOUNT_KDF, salt: 'AAECAwQFBgcICQoLDA0O' },
    ];
    for (const kdf of weak) {
      expect(accountKdfSchema.safeParse(kdf).success, JSON.stringify(kdf)).toBe(false);
      await expect(deriveAccountKeys({ password: 'x', kdf })).rejects.toThrow();
    }
  });
});
