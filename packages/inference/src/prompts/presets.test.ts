import { describe, expect, it } from 'vitest';
import { chatParamsSchema } from '../engine';
import { BUILT_IN_PRESETS, mergePresets, parseUserPresets } from './presets';

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

describe('user presets', () => {
  it('customise a built-in field by field and add presets of their own', () => {
    const presets = mergePresets(
      parseUserPresets([
        { id: 'fix', sampling: { temperature: 0 } },
        { id: 'docstring', name: 'Docstring', systemPrompt: 'Write a docstring.' },
      ]),
    );
    expect(presets.map((p) => p.id)).toEqual([
      'explain',
      'fix',
      'refactor',
      'write-tests',
      'review',
      'docstring',
    ]);
    expect(presets[1]).toMatchObject({
      id: 'fix',
      builtIn: true,
      systemPrompt: byId('fix')?.systemPrompt,
      sampling: { temperature: 0, speculative: 'lookup' },
    });
    expect(presets[5]).toMatchObject({
      builtIn: false,
      description: '',
      sampling: { speculative: 'none' },
    });
  });

  it('reject bad stored presets with the path of the problem', () => {
    expect(() => parseUserPresets([{ id: 'Bad Id!', name: 'x', systemPrompt: 'y' }])).toThrow(/id/);
    expect(() => parseUserPresets([{ id: 'x', sampling: { temperature: Number.NaN } }])).toThrow(
      expect.objectContaining({ code: 'invalid-preset' }),
    );
    expect(() => parseUserPresets([{ id: 'a' }, { id: 'a' }])).toThrow(/share the id/);
    expect(() => parseUserPresets({ not: 'an array' })).toThrow(
      expect.objectContaining({ code: 'invalid-preset' }),
    );
    expect(() => mergePresets([{ id: 'nameless' }])).toThrow(/needs a name and a system prompt/);
  });
});
