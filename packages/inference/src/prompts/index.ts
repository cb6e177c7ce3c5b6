export { estimateTokenCount, planContext } from './context-budget';
export type { ContextPlan, ContextPlanInput } from './context-budget';
export { BUILT_IN_PRESETS } from './presets';
export type { Preset } from './presets';
export { PromptError } from './prompt-error';
export type { PromptErrorCode } from './prompt-error';
