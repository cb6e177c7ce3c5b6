import { getLlama } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { readMachineMemory } from './machine-memory';

describe('readMachineMemory', () => {
  it('reports RAM, and no GPU for a CPU-only llama.cpp build', async () => {
    const memory = await readMachineMemory(await getLlama({ gpu: false, build: 'never' }));
    expect(memory.gpu).toBeNull();
    expect(memory.ram.total).toBeGreaterThan(0);
    expect(memory.ram.free).toBeGreaterThan(0);
    expect(memory.ram.free).toBeLessThanOrEqual(memory.ram.total);
  });
});
