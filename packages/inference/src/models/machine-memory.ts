import { freemem, totalmem } from 'node:os';
import type { Llama } from 'node-llama-cpp';

export type MemoryState = { total: number; free: number };

/** The llama.cpp backends that offload to a GPU. */
const GPU_BACKENDS = ['cuda', 'metal', 'vulkan'] as const;
export type GpuBackend = (typeof GPU_BACKENDS)[number];

export function isGpuBackend(backend: string): backend is GpuBackend {
  return (GPU_BACKENDS as readonly string[]).includes(backend);
}

/** What the fit estimate compares against. `gpu` is null where nothing can be offloaded. */
export type MachineMemory = {
  gpu: { name: string; backend: GpuBackend; vram: MemoryState } | null;
  ram: MemoryState;
};

/** Reads this machine's VRAM (through the llama.cpp backend the engine uses) and RAM. */
export async function readMachineMemory(llama: Llama): Promise<MachineMemory> {
  const ram = { total: totalmem(), free: freemem() };
  if (llama.gpu === false || !llama.supportsGpuOffloading) return { gpu: null, ram };
  const [names, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
  return {
    gpu: {
      name: names.join(', '),
      backend: llama.gpu,
      vram: { total: vram.total, free: vram.free },
    },
    ram,
  };
}
