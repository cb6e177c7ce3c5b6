import { readFile } from 'node:fs/promises';

/**
 * Where the model's weights live (0207). `mapped`: llama.cpp's memory map of the file, pages
 * the OS may reclaim while the model sits idle, so the next token waits for them to come back
 * (40 ms for a 120 MB model on the CI machine after a 250 ms pause, against 5 ms for the token
 * itself). `locked`: locked in RAM, safe from paging and swap. `copied`: read into the process's
 * own memory, which only swapping takes away; the way to keep them where a lock is not allowed.
 */
export type WeightMemory = 'locked' | 'copied' | 'mapped';

/**
 * `auto` keeps a model that takes at most half of the free memory in RAM, locked where this
 * process may lock that much, copied otherwise; a model that barely fits stays mapped, so it is
 * never the reason the rest of the machine swaps.
 */
export function chooseWeightMemory(
  mode: 'auto' | 'lock' | 'copy' | 'off',
  memory: { modelBytes: number; freeBytes: number; lockableBytes: number },
): WeightMemory {
  switch (mode) {
    case 'lock':
      // llama.cpp only logs a warning when the kernel refuses the lock: say where they really are.
      return memory.modelBytes <= memory.lockableBytes ? 'locked' : 'mapped';
    case 'copy':
      return 'copied';
    case 'off':
      return 'mapped';
    case 'auto':
      if (memory.modelBytes > memory.freeBytes / 2) return 'mapped';
      return memory.modelBytes <= memory.lockableBytes ? 'locked' : 'copied';
  }
}

/** node-llama-cpp's load options that put the weights where `weightMemory` says. */
export function weightMemoryLoadOptions(weightMemory: WeightMemory | null): {
  useMlock: boolean;
  useMmap: boolean;
} {
  return { useMlock: weightMemory === 'locked', useMmap: weightMemory !== 'copied' };
}

/** CAP_IPC_LOCK: a process holding it may lock any amount, whatever its limit says. */
const CAP_IPC_LOCK = 14n;

/**
 * Bytes this process may lock in RAM. On Linux, the hard RLIMIT_MEMLOCK (llama.cpp raises the
 * soft limit to it) unless the process holds CAP_IPC_LOCK; desktop distributions set 8 MB, so an
 * ordinary user's process cannot lock a model. Elsewhere llama.cpp makes room for the lock
 * itself (Windows raises the working set; macOS sets no limit).
 */
export async function readLockableBytes(): Promise<number> {
  if (process.platform !== 'linux') return Number.POSITIVE_INFINITY;
  try {
    const [status, limits] = await Promise.all([
      readFile('/proc/self/status', 'utf8'),
      readFile('/proc/self/limits', 'utf8'),
    ]);
    const capabilities = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
    if (capabilities !== undefined && (BigInt(`0x${capabilities}`) >> CAP_IPC_LOCK) & 1n) {
      return Number.POSITIVE_INFINITY;
    }
    const hard = /^Max locked memory\s+\S+\s+(\S+)/m.exec(limits)?.[1];
    if (hard === undefined) return 0;
    return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
  } catch {
    return 0;
  }
}
