import { createHmac } from 'node:crypto';
import type { AccountKdf } from '@codeface/sync/protocol';
import type { AccountKdfCost } from '../config';

/** Bytes of a salt, real (drawn by the device at sign-up) or stand-in. */
const SALT_BYTES = 16;

/**
 * The answer of `account.params` for an email with no account: the server's current cost and a
 * salt that is an HMAC of the email, so asking twice gives the same answer (a real account's
 * salt does not change either) and nobody without the server's secret can tell it from a real
 * one. The key is derived from the token secret under its own label, so the two uses never meet.
 */
export function createStandInParams(options: { tokenSecret: string; cost: AccountKdfCost }) {
  const key = createHmac('sha256', options.tokenSecret)
    .update('codeface/v2/stand-in-account-salt')
    .digest();
  return (normalizedEmail: string): AccountKdf => ({
    alg: 'argon2id',
    ...options.cost,
    salt: createHmac('sha256', key)
      .update(normalizedEmail)
      .digest()
      .subarray(0, SALT_BYTES)
      .toString('base64url'),
  });
}
