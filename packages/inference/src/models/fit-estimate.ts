import { GgufInsights } from 'node-llama-cpp';
import type { Llama } from 'node-llama-cpp';
import { readGgufInfo } from './gguf-metadata';
import type { CatalogModel, Quantisation } from './catalog-schema';
import type { GpuBackend, MachineMemory } from './machine-memory';
import { ModelError } from './model-error';

/**
 * `fits`: every layer in fast memory (VRAM; RAM on a machine without a GPU).
 * `partial`: `gpuLayers` of `totalLayers` on the GPU, the rest in RAM (possibly 0 on the GPU
 * when the GPU is too small for even one layer but RAM holds the model).
 * `too-big`: not even RAM holds it.
 */
export type FitVerdict = 'fits' | 'partial' | 'too-big';

export type FitEstimate = {
  verdict: FitVerdict;
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  /**
   * Bytes the model and context need in VRAM and RAM with `gpuLayers` offloaded, the GPU
   * runtime's own share and the app's included.
   */
  vramBytes: number;
  ramBytes: number;
  /** `gguf`: from the file's own metadata (node-llama-cpp's insights); `catalog`: from catalog figures. */
  source: 'gguf' | 'catalog';
};

/** What CodeFace itself holds besides the model: the window's GPU surfaces and the app's heap. */
export type AppOverhead = { vramBytes: number; ramBytes: number };

const MiB = 1024 * 1024;
export const DEFAULT_APP_OVERHEAD: AppOverhead = { vramBytes: 384 * MiB, ramBytes: 768 * MiB };

/**
 * llama.cpp's compute buffers for the default 512-token batch: dominated by the logits
 * (vocabulary × batch) and attention scratch; a few hundred MiB for 7B-class models.
 */
const COMPUTE_BUFFER_BYTES = 384 * MiB;

/**
 * What a GPU backend's runtime holds in VRAM before any tensor: for CUDA, the context with the
 * device's kernels and cuBLAS's handle and workspace. Measured on an H200 (driver 580, 310M
 * model, context 2048, bench/results/gpu.json): the process held 2,074 MiB by `nvidia-smi`
 * where the resolver's tensors and buffers came to 1,449 MiB, 625 MiB more; rounded up. Metal
 * shares the system's memory and Vulkan was not measured: no term for them.
 */
export const GPU_RUNTIME_BYTES: Record<GpuBackend, number> = {
  cuda: 640 * MiB,
  metal: 0,
  vulkan: 0,
};

/** Far beyond any model's window; a larger request is a mistake, not a wish. */
const MAX_CONTEXT_SIZE = 1 << 22;

function assertContextSize(contextSize: number, limit: number): void {
  if (!Number.isInteger(contextSize) || contextSize < 1 || contextSize > limit) {
    throw new ModelError(
      'invalid-context-size',
      `Context size must be a whole number from 1 to ${limit}; got ${contextSize}.`,
      { contextSize, limit },
    );
  }
}

/** VRAM the backend's runtime takes before any tensor (`GPU_RUNTIME_BYTES`); 0 without a GPU. */
function runtimeVram(memory: MachineMemory): number {
  return memory.gpu ? GPU_RUNTIME_BYTES[memory.gpu.backend] : 0;
}

/** What is left for the model: free memory less the app's share and the GPU runtime's. */
function available(memory: MachineMemory, overhead: AppOverhead) {
  const taken = overhead.vramBytes + runtimeVram(memory);
  return {
    vram: memory.gpu ? Math.max(0, memory.gpu.vram.free - taken) : 0,
    ram: Math.max(0, memory.ram.free - overhead.ramBytes),
  };
}

export type CatalogFitOptions = {
  model: CatalogModel;
  quantisation: Quantisation;
  contextSize: number;
  memory: MachineMemory;
  appOverhead?: AppOverhead;
};

/**
 * Estimates from catalog numbers alone, for files not yet downloaded. Weights are spread over
 * the layers plus one layer's worth for the embeddings and output head; the KV cache is f16
 * keys and values for every layer: 2 × kvHeads × headDim × context × 2 bytes per layer.
 */
export function estimateFitFromCatalog(options: CatalogFitOptions): FitEstimate {
  const { model, quantisation, contextSize, memory } = options;
  const overhead = options.appOverhead ?? DEFAULT_APP_OVERHEAD;
  assertContextSize(contextSize, model.contextLength);
  const { layers, kvHeads, headDim } = model.architecture;
  const weightsPerLayer = quantisation.sizeBytes / (layers + 1);
  const kvPerLayer = 2 * kvHeads * headDim * contextSize * 2;
  const perLayer = weightsPerLayer + kvPerLayer;
  const whole = quantisation.sizeBytes + kvPerLayer * layers + COMPUTE_BUFFER_BYTES;
  const free = available(memory, overhead);
  const base = { totalLayers: layers, contextSize, source: 'catalog' as const };

  if (memory.gpu && whole <= free.vram) {
    return {
      ...base,
      verdict: 'fits',
      gpuLayers: layers,
      vramBytes: whole + runtimeVram(memory) + overhead.vramBytes,
      ramBytes: overhead.ramBytes,
    };
  }
  // The embeddings and output head stay in RAM when only some layers are offloaded.
  const gpuLayers = memory.gpu
    ? Math.max(0, Math.min(layers - 1, Math.floor((free.vram - COMPUTE_BUFFER_BYTES) / perLayer)))
    : 0;
  const vramBytes = gpuLayers > 0 ? gpuLayers * perLayer + COMPUTE_BUFFER_BYTES : 0;
  const ramBytes = whole - vramBytes;
  const verdict: FitVerdict = ramBytes > free.ram ? 'too-big' : memory.gpu ? 'partial' : 'fits';
  return {
    ...base,
    verdict,
    gpuLayers,
    vramBytes: vramBytes + (memory.gpu ? runtimeVram(memory) + overhead.vramBytes : 0),
    ramBytes: ramBytes + overhead.ramBytes,
  };
}

export type FileFitOptions = {
  path: string;
  contextSize: number;
  memory: MachineMemory;
  llama: Llama;
  appOverhead?: AppOverhead;
};

/**
 * Estimates from the GGUF file's own metadata with node-llama-cpp's configuration resolver,
 * which knows each tensor's size and where llama.cpp puts it. The machine's memory is passed
 * in (less the app's own share), so the answer is the same whatever else the process holds.
 */
export async function estimateFitFromFile(options: FileFitOptions): Promise<FitEstimate> {
  const { path, contextSize, memory, llama } = options;
  const overhead = options.appOverhead ?? DEFAULT_APP_OVERHEAD;
  assertContextSize(contextSize, MAX_CONTEXT_SIZE);
  const { info } = await readGgufInfo(path);
  const insights = await GgufInsights.from(info, llama);
  if (!insights.isSupportedByLlamaCpp) {
    const architecture = info.metadata.general.architecture;
    throw new ModelError(
      'unsupported-architecture',
      `This version of llama.cpp cannot run ${architecture} models.`,
      { path, architecture },
    );
  }
  const free = available(memory, overhead);
  // A CPU-only llama.cpp build cannot offload, whatever GPU the machine has.
  const hasGpu = memory.gpu !== null && llama.gpu !== false;
  const { resolvedValues } = await insights.configurationResolver.resolveAndScoreConfig(
    { targetContextSize: contextSize },
    {
      getVramState: async () => ({
        total: memory.gpu?.vram.total ?? 0,
        free: free.vram,
        unifiedSize: 0,
      }),
      getRamState: async () => ({ total: memory.ram.total, free: free.ram }),
      getSwapState: async () => ({ total: 0, free: 0 }),
      llamaGpu: hasGpu ? llama.gpu : false,
      llamaSupportsGpuOffloading: hasGpu,
    },
  );
  const totalLayers = insights.totalLayers;
  const { gpuLayers, totalVramUsage, totalRamUsage } = resolvedValues;
  const tooBig = totalRamUsage > free.ram || (hasGpu && totalVramUsage > free.vram);
  const verdict: FitVerdict = tooBig
    ? 'too-big'
    : !hasGpu || gpuLayers >= totalLayers
      ? 'fits'
      : 'partial';
  return {
    verdict,
    gpuLayers: hasGpu ? gpuLayers : 0,
    totalLayers,
    contextSize,
    vramBytes: hasGpu ? totalVramUsage + runtimeVram(memory) + overhead.vramBytes : 0,
    ramBytes: totalRamUsage + overhead.ramBytes,
    source: 'gguf',
  };
}
