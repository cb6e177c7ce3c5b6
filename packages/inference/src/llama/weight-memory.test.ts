import { describe, expect, it } from 'vitest';
import { chooseWeightMemory } from './weight-memory';

const GiB = 1024 ** 3;

describe('chooseWeightMemory', () => {
  it('copies a model that takes at most half of the free memory, in auto', () => {
    expect(chooseWeightMemory('auto', { modelBytes: 4 * GiB, freeBytes: 8 * GiB })).toBe('copied');
    expect(chooseWeightMemory('auto', { modelBytes: 5 * GiB, freeBytes: 8 * GiB })).toBe('mapped');
  });

  it('does what it is told with on and off, whatever the memory', () => {
    expect(chooseWeightMemory('on', { modelBytes: 20 * GiB, freeBytes: 8 * GiB })).toBe('copied');
    expect(chooseWeightMemory('off', { modelBytes: 1, freeBytes: 8 * GiB })).toBe('mapped');
  });
});
