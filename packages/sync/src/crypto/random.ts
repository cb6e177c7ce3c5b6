import { randomBytes as nobleRandomBytes } from '@noble/ciphers/utils.js';

/** A source of random bytes; tests pass a seeded one. Defaults to the platform's CSPRNG. */
export type RandomBytes = (length: number) => Uint8Array;

export const secureRandomBytes: RandomBytes = (length) => nobleRandomBytes(length);
