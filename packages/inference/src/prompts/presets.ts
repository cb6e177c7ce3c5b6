import { z } from 'zod';
import { chatParamsSchema } from '../engine';
import { PromptError } from './prompt-error';

/** The sampling a preset sets; the same fields and limits as the engine's chat params. */
export const presetSamplingSchema = chatParamsSchema
  .pick({ temperature: true, topP: true, topK: true, maxTokens: true })
  .extend({ speculative: z.enum(['lookup', 'none']) });
export type PresetSampling = z.infer<typeof presetSamplingSchema>;

const presetIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower-case letters, digits and dashes');

export const presetSchema = z.object({
  id: presetIdSchema,
  name: z.string().min(1).max(60),
  description: z.string().max(300),
  systemPrompt: z.string().min(1).max(16_000),
  sampling: presetSamplingSchema,
  builtIn: z.boolean(),
});
export type Preset = z.infer<typeof presetSchema>;

/**
 * A user preset as the app stores it. With a built-in's id it customises that preset (only the
 * fields given change); with a new id it is a preset of its own and needs a name and a prompt.
 */
export const userPresetSchema = z.object({
  id: presetIdSchema,
  name: z.string().min(1).max(60).optional(),
  description: z.string().max(300).optional(),
  systemPrompt: z.string().min(1).max(16_000).optional(),
  sampling: presetSamplingSchema.partial().optional(),
});
export type UserPreset = z.infer<typeof userPresetSchema>;

const CODE_ONLY =
  'Answer in Markdown. Put code in fenced blocks with the language named. Be brief: no preamble, no restating the question.';

/**
 * Rewrites (fix, refactor) repeat most of their input, so they use prompt-lookup speculative
 * decoding and a low temperature; open-ended answers (explain, review) sample a little more.
 */
export const BUILT_IN_PRESETS: readonly Preset[] = [
  {
    id: 'explain',
    name: 'Explain',
    description: 'Explain what the code does and why.',
    systemPrompt: `You are a senior engineer explaining code to a colleague. Say what the code does, then how, then anything surprising (edge cases, performance, bugs). Refer to names in the code. ${CODE_ONLY}`,
    sampling: { temperature: 0.4, topP: 0.9, speculative: 'none' },
    builtIn: true,
  },
  {
    id: 'fix',
    name: 'Fix',
    description: 'Find the bug and return the corrected code.',
    systemPrompt: `You are a careful engineer fixing a bug. State the cause in one or two sentences, then give the whole corrected code, changing nothing that is not needed for the fix. ${CODE_ONLY}`,
    sampling: { temperature: 0.1, topP: 0.9, speculative: 'lookup' },
    builtIn: true,
  },
  {
    id: 'refactor',
    name: 'Refactor',
    description: 'Restructure the code without changing what it does.',
    systemPrompt: `You are refactoring code for clarity without changing its behaviour. Keep public names and signatures unless asked. Give the whole refactored code, then a short list of what changed. ${CODE_ONLY}`,
    sampling: { temperature: 0.2, topP: 0.9, speculative: 'lookup' },
    builtIn: true,
  },
  {
    id: 'write-tests',
    name: 'Write tests',
    description: 'Write unit tests for the code.',
    systemPrompt: `You write unit tests in the project's language and test framework (ask if unclear). Cover the normal path, edge cases and errors; name each test for the behaviour it checks; no test that cannot fail. ${CODE_ONLY}`,
    sampling: { temperature: 0.3, topP: 0.9, speculative: 'none' },
    builtIn: true,
  },
  {
    id: 'review',
    name: 'Review',
    description: 'Review the code like a pull request.',
    systemPrompt: `You review code like a pull request. List concrete findings, most important first: bugs, security, error handling, naming, tests. For each, quote the line and suggest the change. Say so when the code is fine. ${CODE_ONLY}`,
    sampling: { temperature: 0.3, topP: 0.9, speculative: 'none' },
    builtIn: true,
  },
];

/** Validates stored user presets (the app owns the storage); a bad entry is a clear error. */
export function parseUserPresets(json: unknown): UserPreset[] {
  const result = z.array(userPresetSchema).safeParse(json);
  if (!result.success) {
    throw new PromptError('invalid-preset', `Invalid presets:\n${z.prettifyError(result.error)}`, {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const ids = result.data.map((p) => p.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) {
    throw new PromptError('invalid-preset', `Two presets share the id "${duplicate}".`, {
      id: duplicate,
    });
  }
  return result.data;
}

/**
 * The presets the app offers: built-ins (with the person's customisations applied) in their
 * fixed order, then the person's own in the order stored.
 */
export function mergePresets(userPresets: readonly UserPreset[]): Preset[] {
  const byId = new Map(userPresets.map((p) => [p.id, p]));
  const builtIns = BUILT_IN_PRESETS.map((preset) => {
    const custom = byId.get(preset.id);
    if (!custom) return preset;
    return presetSchema.parse({
      ...preset,
      ...custom,
      sampling: { ...preset.sampling, ...custom.sampling },
      builtIn: true,
    });
  });
  const builtInIds = new Set(BUILT_IN_PRESETS.map((p) => p.id));
  const own = userPresets
    .filter((p) => !builtInIds.has(p.id))
    .map((custom) => {
      if (!custom.name || !custom.systemPrompt) {
        throw new PromptError(
          'invalid-preset',
          `Preset "${custom.id}" needs a name and a system prompt.`,
          { id: custom.id },
        );
      }
      return presetSchema.parse({
        description: '',
        ...custom,
        sampling: { temperature: 0.3, topP: 0.9, speculative: 'none', ...custom.sampling },
        builtIn: false,
      });
    });
  return [...builtIns, ...own];
}
