import { createHash, timingSafeEqual } from 'node:crypto';

const PREFIX = 'cfr1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Refresh tokens are `cfr1.<token id>.<32 random bytes, base64url>`. Only a SHA-256 of the random
 * part is stored: it has 256 bits of entropy, so a slow hash would add nothing, and a leaked
 * table cannot be replayed.
 */
export function formatRefreshToken(options: { id: string; secret: Uint8Array }): string {
  return `${PREFIX}.${options.id}.${Buffer.from(options.secret).toString('base64url')}`;
}

export function parseRefreshToken(token: string): { id: string; secretHash: Buffer } | undefined {
  const [prefix, id, secret, extra] = token.split('.');
  if (prefix !== PREFIX || !id || !UUID.test(id) || !secret || extra !== undefined)
    return undefined;
  return { id, secretHash: hashSecret(Buffer.from(secret, 'base64url')) };
}

/**
 * SHA-256 of a secret with 256 bits of entropy (a refresh token's random part, a recovery
 * secret): a slow hash would add nothing, and a leaked table cannot be replayed.
 */
export function hashSecret(secret: Uint8Array): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
