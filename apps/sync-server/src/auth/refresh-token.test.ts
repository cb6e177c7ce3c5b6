import { describe, expect, it } from 'vitest';
import { formatRefreshToken, hashSecret, parseRefreshToken, sameHash } from './refresh-token';

describe('refresh tokens', () => {
  it('parses what it formats and hashes the secret part', () => {
    const id = '0e0c1f6b-2a4f-4b8e-8f0e-5b7f6f3b2d22';
    const secret = new Uint8Array(32).fill(7);
    const parsed = parseRefreshToken(formatRefreshToken({ id, secret }));
    expect(parsed?.id).toBe(id);
    expect(sameHash(parsed?.secretHash ?? new Uint8Array(), hashSecret(secret))).toBe(true);
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'cfr1',
      'cfr1.not-a-uuid.AAAA',
      'cfa1.0e0c1f6b-2a4f-4b8e-8f0e-5b7f6f3b2d22.AA',
    ]) {
      expect(parseRefreshToken(bad)).toBeUndefined();
    }
  });
});
