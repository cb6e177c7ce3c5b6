import { describe, expect, it } from 'vitest';
import { apiServerSettingsSchema } from './api-server-settings';

describe('apiServerSettingsSchema', () => {
  it('is off by default', () => {
    expect(apiServerSettingsSchema.parse({})).toEqual({ enabled: false, port: 11435 });
  });

  it('refuses a port below 1024 with a sentence', () => {
    const parsed = apiServerSettingsSchema.safeParse({ enabled: true, port: 80 });
    expect(parsed.error?.issues[0]?.message).toBe('Pick a port from 1024 to 65535.');
  });
});
