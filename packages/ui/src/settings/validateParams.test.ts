import { describe, expect, it } from 'vitest';
import { validateParams } from './validateParams';

const ok = { temperature: '0.7', contextSize: '8192', gpuLayers: '', maxAnswerTokens: '2048' };

describe('validateParams', () => {
  it('accepts values in range and leaves blank optional fields to the engine', () => {
    expect(validateParams(ok)).toEqual({
      params: { temperature: 0.7, contextSize: 8192, gpuLayers: null, maxAnswerTokens: 2048 },
      problems: null,
    });
  });

  it('explains each bad field', () => {
    const result = validateParams({
      temperature: '3',
      contextSize: '1.5',
      gpuLayers: 'abc',
      maxAnswerTokens: '8',
    });
    expect(result.params).toBeNull();
    expect(result.problems).toEqual({
      temperature: 'Temperature must be between 0 and 2.',
      contextSize: 'Context size must be a whole number.',
      gpuLayers: 'GPU layers must be a number.',
      maxAnswerTokens: 'Maximum answer length must be between 16 and 131,072.',
    });
  });

  it('requires a temperature', () => {
    expect(validateParams({ ...ok, temperature: ' ' }).problems).toEqual({
      temperature: 'Temperature must be a number.',
    });
  });
});
