import { describe, expect, it } from 'vitest';
import { apiServerSettingsSchema } from './api-server-settings';

describe('apiServerSettingsSchema', () => {
  it('is off by default', () => {
    expect(apiServerSettingsSchema.parse({})).toEqual({ enabled: false, port: 11435 });
  });

  it('refuses a token short enough to guess', () => {
    expect(apiServerSettingsSchema.safeParse({ enabled: true, token: 'short' }).success).toBe(
      false,
    );
  });
});
