export { toChatHistory } from '../llama/chat-history';
export { renderChatPrompt } from './chat-template';
export type { RenderedPrompt } from './chat-template';
export { createModelTokenCounter } from './model-token-counter';
export type { ModelTokenCounter } from './model-token-counter';
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
export { assertPromptFits, checkPromptFits } from './prompt-fit';
export type { PromptFitCheck, PromptFitInput } from './prompt-fit';
export { fitTurnsToBudget } from './token-budget';
export type { TokenBudget, TokenBudgetInput } from './token-budget';
