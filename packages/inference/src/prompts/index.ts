export { estimateTokenCount, planContext } from './context-budget';
export type { ContextPlan, ContextPlanInput } from './context-budget';
export {
  BUILT_IN_PRESETS,
  mergePresets,
  parseUserPresets,
  presetSamplingSchema,
  presetSchema,
  userPresetSchema,
} from './presets';
export type { Preset, PresetSampling, UserPreset } from './presets';
export { PromptError } from './prompt-error';
export type { PromptErrorCode } from './prompt-error';
