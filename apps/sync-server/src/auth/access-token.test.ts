import { describe, expect, it } from 'vitest';
import { createAccessTokens } from './access-token';

const tokens = createAccessTokens({ secret: 's'.repeat(32), ttlMs: 15 * 60_000 });
const userId = '7b0d6a0e-8a3a-4c1e-9d55-0c5f1d3a9e11';
const deviceId = '0e0c1f6b-2a4f-4b8e-8f0e-5b7f6f3b2d22';

describe('access tokens', () => {
  it('verifies a token it issued until it expires', () => {
    const { token, expiresAt } = tokens.issue({ userId, deviceId, now: 1000 });
    expect(expiresAt).toBe(1000 + 15 * 60_000);
    expect(tokens.verify(token, 2000)).toMatchObject({ sub: userId, did: deviceId });
    expect(tokens.verify(token, expiresAt)).toBe('expired');
  });

  it('refuses a token signed with another secret or with altered claims', () => {
    const { token } = tokens.issue({ userId, deviceId, now: 1000 });
    const other = createAccessTokens({ secret: 'o'.repeat(32), ttlMs: 60_000 });
    expect(other.verify(token, 2000)).toBe('invalid');
    const [prefix, , mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: userId, did: deviceId, iat: 0, exp: 9e15 }),
    ).toString('base64url');
    expect(tokens.verify(`${prefix}.${forged}.${mac}`, 2000)).toBe('invalid');
  });

  it('refuses malformed tokens', () => {
    for (const bad of ['', 'a.b', 'cfa1..', 'cfa1.x.y.z', 'cfr1.a.b']) {
      expect(tokens.verify(bad, 0)).toBe('invalid');
    }
  });
});
