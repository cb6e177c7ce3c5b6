import type { GenerationParams } from '../types';
import { formatCount } from '../models/format';

type Limits = { min: number; max: number; integer: boolean; label: string; optional: boolean };

/** The answer-length limit's bounds, for the setting and for a preset's own. */
export const ANSWER_TOKEN_LIMITS: Limits = {
  min: 16,
  max: 131_072,
  integer: true,
  label: 'Maximum answer length',
  optional: false,
};

/** The same limits the app API enforces; checked here too so mistakes show beside the field. */
export const PARAM_LIMITS: Record<keyof GenerationParams, Limits> = {
  temperature: { min: 0, max: 2, integer: false, label: 'Temperature', optional: false },
  contextSize: { min: 256, max: 1_048_576, integer: true, label: 'Context size', optional: true },
  gpuLayers: { min: 0, max: 1000, integer: true, label: 'GPU layers', optional: true },
  maxAnswerTokens: ANSWER_TOKEN_LIMITS,
};

export type ParamDraft = Record<keyof GenerationParams, string>;
export type ParamProblems = Partial<Record<keyof GenerationParams, string>>;

export const toParamDraft = (params: GenerationParams): ParamDraft => ({
  temperature: String(params.temperature),
  contextSize: params.contextSize === null ? '' : String(params.contextSize),
  gpuLayers: params.gpuLayers === null ? '' : String(params.gpuLayers),
  maxAnswerTokens: String(params.maxAnswerTokens),
});

/** The number typed, null for an empty optional field, or the sentence that says what is wrong. */
export function parseField(limits: Limits, raw: string): number | null | string {
  const text = raw.trim();
  if (text === '') return limits.optional ? null : `${limits.label} must be a number.`;
  const value = Number(text);
  if (!Number.isFinite(value)) return `${limits.label} must be a number.`;
  if (limits.integer && !Number.isInteger(value)) return `${limits.label} must be a whole number.`;
  if (value < limits.min || value > limits.max) {
    return `${limits.label} must be between ${formatCount(limits.min)} and ${formatCount(limits.max)}.`;
  }
  return value;
}

/** The parsed values, or for each bad field a message a person can act on. */
export function validateParams(
  draft: ParamDraft,
): { params: GenerationParams; problems: null } | { params: null; problems: ParamProblems } {
  const problems: ParamProblems = {};
  const temperature = parseField(PARAM_LIMITS.temperature, draft.temperature);
  const contextSize = parseField(PARAM_LIMITS.contextSize, draft.contextSize);
  const gpuLayers = parseField(PARAM_LIMITS.gpuLayers, draft.gpuLayers);
  const maxAnswerTokens = parseField(PARAM_LIMITS.maxAnswerTokens, draft.maxAnswerTokens);
  if (typeof temperature === 'string') problems.temperature = temperature;
  if (typeof contextSize === 'string') problems.contextSize = contextSize;
  if (typeof gpuLayers === 'string') problems.gpuLayers = gpuLayers;
  if (typeof maxAnswerTokens === 'string') problems.maxAnswerTokens = maxAnswerTokens;
  if (
    typeof temperature !== 'number' ||
    typeof contextSize === 'string' ||
    typeof gpuLayers === 'string' ||
    typeof maxAnswerTokens !== 'number'
  ) {
    return { params: null, problems };
  }
  return { params: { temperature, contextSize, gpuLayers, maxAnswerTokens }, problems: null };
}
