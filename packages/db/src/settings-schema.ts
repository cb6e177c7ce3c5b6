import { z } from 'zod';

/**
 * Every setting the app stores, with its schema and default. A value is validated on write and
 * again on read: a stored value that no longer fits (hand-edited, or written by another version)
 * reads as the default instead of reaching the app.
 */
export const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Electron accelerator string for the quick-ask popup. */
  quickAskHotkey: z.string().min(1).default('CommandOrControl+Shift+Space'),
  quickAskUseClipboard: z.boolean().default(true),
  defaultModelId: z.string().nullable().default(null),
  defaultPreset: z.string().nullable().default(null),
  /** Layers offloaded to the GPU; null lets the engine decide. */
  gpuLayers: z.number().int().nonnegative().nullable().default(null),
  contextSize: z.number().int().positive().nullable().default(null),
  temperature: z.number().min(0).max(2).default(0.2),
  sendOnEnter: z.boolean().default(true),
  /** The most tokens one answer may take (a preset may set its own). */
  maxAnswerTokens: z.number().int().min(16).max(131_072).default(2048),
  syncEnabled: z.boolean().default(false),
  syncServerUrl: z.string().url().nullable().default(null),
  /** Extra folders scanned for GGUF files besides the well-known ones. */
  modelFolders: z.array(z.string()).default([]),
  /** The folder code from answers is saved into (null until the person picks one). */
  workspaceFolder: z.string().min(1).nullable().default(null),
  /** Crash reports are off until the person opts in, and go only to a DSN they give. */
  crashReports: z.boolean().default(false),
  crashReportsDsn: z.string().url().nullable().default(null),
  /** electron-updater's generic feed; null uses the one the build was made with. */
  updateFeedUrl: z.string().url().nullable().default(null),
  /** Disk the chats' saved KV states may take, in GiB (0208); the oldest go first past it. */
  chatStatesBudgetGb: z.number().min(0).max(1024).default(4),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const settingKeys = Object.keys(settingsSchema.shape) as SettingKey[];

export function settingDefault<K extends SettingKey>(key: K): Settings[K] {
  return settingsSchema.shape[key].parse(undefined) as Settings[K];
}

export function parseSetting<K extends SettingKey>(key: K, value: unknown): Settings[K] {
  return settingsSchema.shape[key].parse(value) as Settings[K];
}
