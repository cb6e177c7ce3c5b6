import { describe, expect, it } from 'vitest';
import { chatParamsSchema } from '../engine/types';
import { BUILT_IN_PRESETS } from './presets';

const byId = (id: string) => BUILT_IN_PRESETS.find((p) => p.id === id);

describe('built-in presets', () => {
  it('cover explain, fix, refactor, write tests and review, each with a system prompt', () => {
    expect(BUILT_IN_PRESETS.map((p) => p.id)).toEqual([
      'explain',
      'fix',
      'refactor',
      'write-tests',
      'review',
    ]);
    for (const preset of BUILT_IN_PRESETS) {
      expect(preset.systemPrompt.length).toBeGreaterThan(80);
      // The sampling is something the engine accepts as chat params.
      expect(chatParamsSchema.safeParse(preset.sampling).success).toBe(true);
    }
  });

  it('use prompt-lookup decoding and a low temperature for rewrites only', () => {
    for (const id of ['fix', 'refactor']) {
      expect(byId(id)?.sampling.speculative).toBe('lookup');
      expect(byId(id)?.sampling.temperature).toBeLessThanOrEqual(0.2);
    }
    for (const id of ['explain', 'write-tests', 'review']) {
      expect(byId(id)?.sampling.speculative).toBe('none');
    }
  });
});
