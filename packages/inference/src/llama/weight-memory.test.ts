import { describe, expect, it } from 'vitest';
import { chooseWeightMemory, readLockableBytes } from './weight-memory';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('chooseWeightMemory', () => {
  it('keeps a model that takes at most half of the free memory in RAM, in auto', () => {
    const memory = { freeBytes: 8 * GiB, lockableBytes: Number.POSITIVE_INFINITY };
    expect(chooseWeightMemory('auto', { ...memory, modelBytes: 4 * GiB })).toBe('locked');
    expect(chooseWeightMemory('auto', { ...memory, modelBytes: 5 * GiB })).toBe('mapped');
  });

  it('copies the weights where the process may not lock that much, in auto', () => {
    const memory = { freeBytes: 8 * GiB, lockableBytes: 8 * MiB };
    expect(chooseWeightMemory('auto', { ...memory, modelBytes: 2 * GiB })).toBe('copied');
    expect(chooseWeightMemory('auto', { ...memory, modelBytes: 4 * MiB })).toBe('locked');
  });

  it('does what it is told with copy and off, whatever the memory', () => {
    const memory = { modelBytes: 20 * GiB, freeBytes: 8 * GiB, lockableBytes: 0 };
    expect(chooseWeightMemory('copy', memory)).toBe('copied');
    expect(chooseWeightMemory('off', { ...memory, modelBytes: 1 })).toBe('mapped');
  });

  it('locks with lock whatever the free memory, but only as much as the process may', () => {
    const memory = { modelBytes: 20 * GiB, freeBytes: 8 * GiB };
    expect(chooseWeightMemory('lock', { ...memory, lockableBytes: Infinity })).toBe('locked');
    expect(chooseWeightMemory('lock', { ...memory, lockableBytes: 8 * MiB })).toBe('mapped');
  });
});

describe.skipIf(process.platform !== 'linux')('readLockableBytes (Linux)', () => {
  it('reads a limit or a capability, never nothing', async () => {
    expect(await readLockableBytes()).toBeGreaterThan(0);
  });
});
