import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { buildLlamaFixture, TINY_MODEL_SPEC } from '../fixtures/llama-fixture';
import { writeGgufFile } from '../fixtures/gguf-writer';
import { getLlama } from 'node-llama-cpp';
import type { Llama } from 'node-llama-cpp';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry, loadCatalog } from './catalog';
import {
  DEFAULT_APP_OVERHEAD,
  GPU_RUNTIME_BYTES,
  estimateFitFromCatalog,
  estimateFitFromFile,
} from './fit-estimate';
import type { GpuBackend, MachineMemory } from './machine-memory';
import type { ModelError } from './model-error';

const GB = 1e9;
const machine = (
  vramGb: number | null,
  ramGb: number,
  backend: GpuBackend = 'vulkan',
): MachineMemory => ({
  gpu:
    vramGb === null
      ? null
      : { name: 'Test GPU', backend, vram: { total: vramGb * GB, free: vramGb * GB } },
  ram: { total: ramGb * GB, free: ramGb * GB },
});
const entry = (modelId: string, quant: string) =>
  findCatalogEntry(loadCatalog(), { modelId, quant });

describe('estimateFitFromCatalog', () => {
  it('puts a 7B Q4_K_M entirely on a 24 GB GPU', () => {
    const fit = estimateFitFromCatalog({
      ...entry('qwen2.5-coder-7b-instruct', 'Q4_K_M'),
      contextSize: 8192,
      memory: machine(24, 32),
    });
    expect(fit).toMatchObject({ verdict: 'fits', gpuLayers: 28, totalLayers: 28 });
    expect(fit.vramBytes).toBeGreaterThan(4.68 * GB);
    expect(fit.vramBytes).toBeLessThan(24 * GB);
  });

  it('offloads only some layers of a 14B to a 6 GB GPU and keeps the rest in RAM', () => {
    const fit = estimateFitFromCatalog({
      ...entry('qwen2.5-coder-14b-instruct', 'Q4_K_M'),
      contextSize: 8192,
      memory: machine(6, 32),
    });
    expect(fit.verdict).toBe('partial');
    expect(fit.gpuLayers).toBeGreaterThan(10);
    expect(fit.gpuLayers).toBeLessThan(48);
    expect(fit.vramBytes).toBeLessThanOrEqual(6 * GB);
  });

  it('counts the CUDA runtime in VRAM: the same model takes more, and fewer layers fit', () => {
    const fitOn = (vramGb: number, backend: GpuBackend) =>
      estimateFitFromCatalog({
        ...entry('qwen2.5-coder-7b-instruct', 'Q4_K_M'),
        contextSize: 8192,
        memory: machine(vramGb, 32, backend),
      });
    const roomy = { cuda: fitOn(24, 'cuda'), vulkan: fitOn(24, 'vulkan') };
    expect(roomy.cuda.verdict).toBe('fits');
    expect(roomy.cuda.vramBytes - roomy.vulkan.vramBytes).toBe(GPU_RUNTIME_BYTES.cuda);
    // 625 MiB more than the tensors and buffers on an H200 (bench/results/gpu.json).
    expect(GPU_RUNTIME_BYTES.cuda).toBeGreaterThanOrEqual(625 * 1024 * 1024);
    // Where the whole model just fits without the runtime's share, with it some layers stay out.
    const whole = roomy.vulkan.vramBytes - DEFAULT_APP_OVERHEAD.vramBytes;
    const tight = (whole + DEFAULT_APP_OVERHEAD.vramBytes + 100 * 1024 * 1024) / GB;
    expect(fitOn(tight, 'vulkan').verdict).toBe('fits');
    const onCuda = fitOn(tight, 'cuda');
    expect(onCuda.verdict).toBe('partial');
    expect(onCuda.vramBytes).toBeLessThanOrEqual(tight * GB);
  });

  it('says too big when neither VRAM nor RAM holds the model', () => {
    const fit = estimateFitFromCatalog({
      ...entry('qwen2.5-coder-32b-instruct', 'Q8_0'),
      contextSize: 8192,
      memory: machine(8, 16),
    });
    expect(fit.verdict).toBe('too-big');
  });

  it('runs on the CPU from RAM on a machine without a GPU', () => {
    const fit = estimateFitFromCatalog({
      ...entry('qwen2.5-coder-1.5b-instruct', 'Q4_K_M'),
      contextSize: 4096,
      memory: machine(null, 8),
    });
    expect(fit).toMatchObject({ verdict: 'fits', gpuLayers: 0, vramBytes: 0 });
  });

  it('needs more memory for a longer context and can tip a model off the GPU', () => {
    const at = (contextSize: number) =>
      estimateFitFromCatalog({
        ...entry('qwen2.5-coder-7b-instruct', 'Q4_K_M'),
        contextSize,
        memory: machine(6.5, 32),
      });
    expect(at(4096).verdict).toBe('fits');
    expect(at(32768).verdict).toBe('partial');
    expect(at(32768).ramBytes).toBeGreaterThan(at(4096).ramBytes);
  });

  it.each([0, -1, 1.5, Number.NaN, 1e9])('rejects context size %s with a clear error', (size) => {
    expect(() =>
      estimateFitFromCatalog({
        ...entry('qwen2.5-coder-7b-instruct', 'Q4_K_M'),
        contextSize: size,
        memory: machine(24, 32),
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid-context-size' }) as ModelError);
  });
});

describe('estimateFitFromFile', () => {
  let llama: Llama;
  let tinyPath: string;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never' });
    tinyPath = await ensureTinyModel();
  });

  it('reads the real file and fits it in RAM on a CPU-only build', async () => {
    const fit = await estimateFitFromFile({
      path: tinyPath,
      contextSize: 512,
      memory: machine(null, 8),
      llama,
    });
    expect(fit).toMatchObject({ verdict: 'fits', gpuLayers: 0, totalLayers: 3, source: 'gguf' });
    expect(fit.ramBytes).toBeGreaterThan(DEFAULT_APP_OVERHEAD.ramBytes + 400_000);
  });

  it('grows with the context and says too big when RAM is short', async () => {
    const small = await estimateFitFromFile({
      path: tinyPath,
      contextSize: 256,
      memory: machine(null, 8),
      llama,
    });
    const large = await estimateFitFromFile({
      path: tinyPath,
      contextSize: 4096,
      memory: machine(null, 8),
      llama,
    });
    expect(large.ramBytes).toBeGreaterThan(small.ramBytes);
    const tight = await estimateFitFromFile({
      path: tinyPath,
      contextSize: 4096,
      memory: { gpu: null, ram: { total: 8 * GB, free: DEFAULT_APP_OVERHEAD.ramBytes + 100_000 } },
      llama,
    });
    expect(tight.verdict).toBe('too-big');
  });

  it('refuses an architecture llama.cpp does not know', async () => {
    const fixture = buildLlamaFixture(TINY_MODEL_SPEC);
    const metadata = Object.fromEntries(
      Object.entries(fixture.metadata).map(([key, value]) => [
        key.replace(/^llama\./, 'mystery.'),
        key === 'general.architecture' ? { type: 'string' as const, value: 'mystery' } : value,
      ]),
    );
    const dir = await mkdtemp(join(tmpdir(), 'codeface-fit-'));
    try {
      const path = join(dir, 'mystery.gguf');
      await writeGgufFile(path, { ...fixture, metadata });
      await expect(
        estimateFitFromFile({ path, contextSize: 512, memory: machine(null, 8), llama }),
      ).rejects.toMatchObject({
        code: 'unsupported-architecture',
        data: { architecture: 'mystery' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a file that is not a model', async () => {
    await expect(
      estimateFitFromFile({
        path: import.meta.filename,
        contextSize: 512,
        memory: machine(null, 8),
        llama,
      }),
    ).rejects.toMatchObject({ code: 'not-gguf' });
  });
});
