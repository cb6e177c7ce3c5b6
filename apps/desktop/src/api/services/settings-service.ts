import { z } from 'zod';
import { AppError } from '../errors';
import { settingsPatchSchema } from '../settings-schema';
import type { Settings, SettingsPatch } from '../settings-schema';
import type { ChatStore } from './ports';

/** Reads and validates settings; a rejected change names the field and what is allowed. */
export class SettingsService {
  constructor(private readonly store: ChatStore) {}

  get(): Settings {
    return this.store.readSettings();
  }

  update(patch: SettingsPatch): Settings {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new AppError('invalid-settings', z.prettifyError(parsed.error));
    this.store.writeSettings(parsed.data);
    return this.get();
  }
}
