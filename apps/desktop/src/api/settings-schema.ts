import { z } from 'zod';
import { checkAccelerator } from './accelerator';

/** A hotkey in Electron's accelerator syntax, stored in one spelling (`accelerator.ts`). */
const hotkeySchema = z.string('The hotkey must be text.').transform((text, ctx) => {
  const check = checkAccelerator(text);
  if (check.ok) return check.accelerator;
  ctx.addIssue({ code: 'custom', message: check.problem });
  return z.NEVER;
});

/** The shortest answer-length limit accepted: fewer tokens than this is rarely a sentence. */
const MIN_ANSWER_TOKENS = 16;

/** An http(s) address, or null for none. */
const optionalUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `${what} must be an http or https address.` })
    .max(2048, `${what} can be at most 2,048 characters.`)
    .nullable();

const answerLengthProblem = `The maximum answer length must be between ${MIN_ANSWER_TOKENS} and 131,072 tokens.`;
const answerTokensSchema = z
  .number('The maximum answer length must be a number of tokens.')
  .int('The maximum answer length must be a whole number of tokens.')
  .min(MIN_ANSWER_TOKENS, answerLengthProblem)
  .max(131_072, answerLengthProblem);

/**
 * The settings a person edits in the app, with the messages they see for a bad value. They
 * are stored by @codeface/db's settings repository (one row per key, validated again there).
 */
export const settingsSchema = z.object({
  theme: z.enum(['light', 'dark', 'system'], 'Theme must be light, dark or system.'),
  temperature: z
    .number('Temperature must be a number.')
    .min(0, 'Temperature must be between 0 and 2.')
    .max(2, 'Temperature must be between 0 and 2.'),
  /** Tokens of context; null lets the engine pick the largest that fits. */
  contextSize: z
    .number('Context size must be a number.')
    .int('Context size must be a whole number.')
    .min(256, 'Context size must be between 256 and 1,048,576 tokens.')
    .max(1_048_576, 'Context size must be between 256 and 1,048,576 tokens.')
    .nullable(),
  /** Layers offloaded to the GPU; null lets the engine decide. */
  gpuLayers: z
    .number('GPU layers must be a number.')
    .int('GPU layers must be a whole number.')
    .min(0, 'GPU layers cannot be negative.')
    .max(1000, 'GPU layers can be at most 1,000.')
    .nullable(),
  /**
   * The most tokens one answer may take. A model that does not stop would otherwise run until
   * the context is full and push older turns out; an answer cut here can be continued.
   */
  maxAnswerTokens: answerTokensSchema,
  sendOnEnter: z.boolean(),
  /** The model loaded at start-up: the last one the person loaded. */
  defaultModelId: z.string().nullable(),
  defaultPreset: z.string().nullable(),
  /** Extra folders scanned for GGUF files besides the well-known ones. */
  modelFolders: z.array(z.string().min(1).max(4096)).max(50),
  /** The global hotkey that shows the quick-ask popup (desktop app). */
  quickAskHotkey: hotkeySchema,
  /** Whether a quick question starts with the clipboard (or selection) attached. */
  quickAskUseClipboard: z.boolean(),
  /**
   * The folder code is saved into: fences that carry a path are proposed relative to it, and
   * in the web host no file outside it can be written.
   */
  workspaceFolder: z
    .string('The workspace folder must be a path.')
    .min(1, 'Choose a workspace folder.')
    .max(4096, 'That folder path is too long.')
    .nullable(),
  /** Crash reports are sent only after the person turns this on (desktop app). */
  crashReports: z.boolean(),
  /** Where crash reports go (a Sentry DSN); nothing is sent without one. */
  crashReportsDsn: optionalUrl('The crash report address'),
  /** The update feed (electron-updater's generic provider); the build's own when null. */
  updateFeedUrl: optionalUrl('The update feed'),
  /**
   * Disk the chats' saved model states may take, in GiB: a chat reopened with its state saved
   * answers without reading its whole conversation again (0208). 0 saves none.
   */
  chatStatesBudgetGb: z
    .number('The space for saved chat states must be a number of GB.')
    .min(0, 'The space for saved chat states must be between 0 and 1,024 GB.')
    .max(1024, 'The space for saved chat states must be between 0 and 1,024 GB.'),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const presetSchema = z.object({
  id: z.string().min(1).max(64),
  name: z
    .string()
    .trim()
    .min(1, 'A preset needs a name.')
    .max(60, 'A preset name can be at most 60 characters.'),
  systemPrompt: z.string().max(20_000, 'A preset prompt can be at most 20,000 characters.'),
  /** This preset's answer-length limit; null uses the setting's. */
  maxAnswerTokens: answerTokensSchema.nullable().default(null),
  builtin: z.boolean(),
});
export type Preset = z.infer<typeof presetSchema>;

export const presetSaveInput = presetSchema
  .omit({ builtin: true, id: true })
  .extend({ id: z.string().min(1).max(64).optional() });
