/**
 * Where the model's weights live (0207). `mapped`: llama.cpp's memory map of the file, pages the
 * OS may reclaim while the model sits idle, so the next token waits for them to come back (30 ms
 * for a 120 MB model on the CI machine after a 250 ms pause, against 5 ms for the token itself).
 * `copied`: read into the process's own memory, which only swapping takes away.
 */
export type WeightMemory = 'copied' | 'mapped';

/**
 * `auto` copies a model that takes at most half of the free memory; one that barely fits stays
 * mapped, so it is never the reason the rest of the machine swaps. `on` always copies, `off`
 * never does.
 */
export function chooseWeightMemory(
  mode: 'auto' | 'on' | 'off',
  memory: { modelBytes: number; freeBytes: number },
): WeightMemory {
  switch (mode) {
    case 'on':
      return 'copied';
    case 'off':
      return 'mapped';
    case 'auto':
      return memory.modelBytes <= memory.freeBytes / 2 ? 'copied' : 'mapped';
  }
}

/** node-llama-cpp's load option that puts the weights where `weightMemory` says. */
export function weightMemoryLoadOptions(weightMemory: WeightMemory | null): { useMmap: boolean } {
  return { useMmap: weightMemory !== 'copied' };
}
