import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const claimsSchema = z.object({
  sub: z.uuid(),
  did: z.uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessTokenClaims = z.infer<typeof claimsSchema>;

const PREFIX = 'cfa1';

/**
 * Short-lived bearer tokens: `cfa1.<claims, base64url JSON>.<HMAC-SHA256, base64url>`. They only
 * prove who the caller claims to be; the request still checks that the device is not revoked, so
 * revocation takes effect at once rather than when the token expires.
 */
export function createAccessTokens(options: { secret: string; ttlMs: number }) {
  const sign = (payload: string) =>
    createHmac('sha256', options.secret).update(`${PREFIX}.${payload}`).digest();
  return {
    issue(claims: { userId: string; deviceId: string; now: number }) {
      const expiresAt = claims.now + options.ttlMs;
      const payload = Buffer.from(
        JSON.stringify({
          sub: claims.userId,
          did: claims.deviceId,
          iat: claims.now,
          exp: expiresAt,
        }),
      ).toString('base64url');
      return {
        token: `${PREFIX}.${payload}.${sign(payload).toString('base64url')}`,
        expiresAt,
      };
    },
    /** The claims of a well-signed token, `'expired'`, or `'invalid'`. */
    verify(token: string, now: number): AccessTokenClaims | 'expired' | 'invalid' {
      const [prefix, payload, signature, extra] = token.split('.');
      if (prefix !== PREFIX || !payload || !signature || extra !== undefined) return 'invalid';
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return 'invalid';
      }
      const claims = claimsSchema.safeParse(json);
      if (!claims.success) return 'invalid';
      return claims.data.exp > now ? claims.data : 'expired';
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;
