import { hash, verify } from '@node-rs/argon2';
import type { PasswordHashing } from '../config';

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Burns the time of one verification, so an unknown email answers as slowly as a known one. */
  verifyNothing(password: string): Promise<void>;
};

/** Argon2id (the default algorithm of @node-rs/argon2) with the configured cost. */
export async function createPasswordHasher(params: PasswordHashing): Promise<PasswordHasher> {
  const options = {
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  };
  const dummyHash = await hash('not a password anyone has', options);
  return {
    hash: (password) => hash(password, options),
    verify: (passwordHash, password) => verify(passwordHash, password).catch(() => false),
    verifyNothing: async (password) => {
      await verify(dummyHash, password).catch(() => false);
    },
  };
}
