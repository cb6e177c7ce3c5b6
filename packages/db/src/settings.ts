import { type StoreContext, writeTransaction } from './context';
import {
  type SettingKey,
  type Settings,
  parseSetting,
  settingDefault,
  settingKeys,
} from './settings-schema';

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;

export function createSettingsRepository(ctx: StoreContext) {
  const { db } = ctx;
  const selectOne = db.prepare<[string], { value: string }>(
    'SELECT value FROM settings WHERE key = ?',
  );
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );

  function get<K extends SettingKey>(key: K): Settings[K] {
    const row = selectOne.get(key);
    if (row === undefined) return settingDefault(key);
    try {
      return parseSetting(key, JSON.parse(row.value));
    } catch {
      // A stored value that no longer fits the schema never reaches the app.
      return settingDefault(key);
    }
  }

  const set = writeTransaction(
    db,
    <K extends SettingKey>(key: K, value: Settings[K]): Settings[K] => {
      const parsed = parseSetting(key, value);
      upsert.run(key, JSON.stringify(parsed), ctx.now());
      ctx.recordChange({ entity: 'setting', entityId: key, op: 'put', fields: { value: parsed } });
      return parsed;
    },
  );

  return {
    get,
    set: set as <K extends SettingKey>(key: K, value: Settings[K]) => Settings[K],
    /** Every setting, stored or default. */
    getAll(): Settings {
      return Object.fromEntries(settingKeys.map((key) => [key, get(key)])) as Settings;
    },
  };
}
