import { describe, expect, it } from 'vitest';
import { SYNC_ERROR_REASONS } from '../protocol/schemas';
import { describeFailure } from './status';
import { type SyncFailure, actionFor } from './sync-error';

const reasons: SyncFailure[] = [
  ...SYNC_ERROR_REASONS,
  'network',
  'server-error',
  'invalid-response',
];

describe('failures', () => {
  it('have a sentence that says what happens or what to do, for every reason', () => {
    for (const reason of [...reasons, 'internal' as const]) {
      expect(describeFailure(reason), reason).toMatch(/\.$/);
    }
    expect(describeFailure('internal')).not.toMatch(/Error|stack/);
  });

  it('sign out only when the session is over, and ask for an update on a newer protocol', () => {
    const byAction = (action: string) => reasons.filter((reason) => actionFor(reason) === action);
    expect(byAction('sign-out')).toEqual([
      'invalid-credentials',
      'device-revoked',
      'refresh-token-reused',
      'refresh-token-invalid',
    ]);
    expect(byAction('update-required')).toEqual(['protocol-version']);
    expect(byAction('renew-token')).toEqual(['unauthenticated', 'token-expired']);
  });
});
