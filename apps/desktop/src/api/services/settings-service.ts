import { z } from 'zod';
import { AppError } from '../errors';
import { settingsPatchSchema } from '../settings-schema';
import type { SettingKey, Settings, SettingsPatch } from '../settings-schema';
import type { ChatStore } from './ports';

/**
 * Checks a setting against the world before it is saved (a folder exists, a hotkey could be
 * registered) and returns the value to store; throws an AppError that says what is wrong.
 */
export type SettingChecks = { [K in SettingKey]?: (value: Settings[K]) => Settings[K] };

/** Reads and validates settings; a rejected change names the field and what is allowed. */
export class SettingsService {
  constructor(
    private readonly store: ChatStore,
    private readonly checks: SettingChecks = {},
  ) {}

  get(): Settings {
    return this.store.readSettings();
  }

  update(patch: SettingsPatch): Settings {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new AppError('invalid-settings', z.prettifyError(parsed.error));
    const checked: Record<string, unknown> = { ...parsed.data };
    const current = this.get();
    for (const key of Object.keys(parsed.data) as SettingKey[]) {
      const check = this.checks[key] as ((value: unknown) => unknown) | undefined;
      // An unchanged value is not checked again: saving a form must not re-register a hotkey.
      if (check && checked[key] !== current[key]) checked[key] = check(checked[key]);
    }
    this.store.writeSettings(checked as SettingsPatch);
    return this.get();
  }
}
