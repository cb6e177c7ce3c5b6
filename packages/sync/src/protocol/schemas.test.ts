import { describe, expect, it } from 'vitest';
import {
  changePasswordInputSchema,
  pullInputSchema,
  pushInputSchema,
  sealedChangeSchema,
  textSchema,
} from './schemas';
import { SYNC_PROTOCOL_VERSION } from './version';

describe('protocol schemas', () => {
  it('has a positive integer version', () => {
    expect(Number.isInteger(SYNC_PROTOCOL_VERSION) && SYNC_PROTOCOL_VERSION > 0).toBe(true);
  });

  it('accepts a sealed change and refuses extra plaintext fields', () => {
    const change = { id: 'c-1', deviceId: 'd_1', ciphertext: 'AQID' };
    expect(sealedChangeSchema.parse(change)).toEqual(change);
    expect(sealedChangeSchema.safeParse({ ...change, entity: 'chat' }).success).toBe(false);
  });

  it('names the field that is wrong', () => {
    const result = pushInputSchema.safeParse({
      changes: [{ id: 'ok', deviceId: 'd', ciphertext: 'not base64url!' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['changes', 0, 'ciphertext']);
  });

  it('takes one proof for a new password, and a new recovery key with the recovery one only', () => {
    const secret = 'A'.repeat(43);
    const change = {
      newPassword: secret,
      kdf: { alg: 'argon2id', t: 3, m: 65_536, p: 1, salt: 'A'.repeat(22) },
      wrappedDataKey: 'wrapped',
    };
    const recovery = { secret, wrappedDataKey: 'wrapped-again' };
    const accepts = (input: object) => changePasswordInputSchema.safeParse(input).success;
    expect(accepts({ ...change, currentPassword: secret })).toBe(true);
    expect(accepts({ ...change, recoverySecret: secret, recovery })).toBe(true);
    expect(accepts(change)).toBe(false);
    expect(accepts({ ...change, currentPassword: secret, recoverySecret: secret, recovery })).toBe(
      false,
    );
    // protocol 3: a recovery key proves one change, so its replacement comes with it.
    expect(accepts({ ...change, recoverySecret: secret })).toBe(false);
    expect(accepts({ ...change, currentPassword: secret, recovery })).toBe(false);
  });

  it('refuses a negative or fractional cursor', () => {
    expect(pullInputSchema.safeParse({ cursor: -1 }).success).toBe(false);
    expect(pullInputSchema.safeParse({ cursor: 1.5 }).success).toBe(false);
    expect(pullInputSchema.safeParse({ cursor: 0, limit: 10 }).success).toBe(true);
  });

  it('takes any well-formed text but no NUL and no unpaired surrogate', () => {
    for (const ok of ['', 'laptop', 'Zoë’s 💻', '\uD83D\uDCBB', 'tab\tand\nnewline']) {
      expect(textSchema.safeParse(ok).success, JSON.stringify(ok)).toBe(true);
    }
    for (const bad of [
      'a\u0000b',
      '\u0000',
      'x\uD800',
      '\uDC00x',
      '\uDBFFa\uDC00',
      '\uDC00\uD800',
    ]) {
      expect(textSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
