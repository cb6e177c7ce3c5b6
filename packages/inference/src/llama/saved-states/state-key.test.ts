import { getLlama } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../../fixtures/index';
import { stateKeyDigest, stateKeyParts, type StateKeyParts } from './state-key';

describe('the saved-state key', () => {
  it('names the backend and the GPU layers a state was written with', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath: await ensureTinyModel() });
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    try {
      const parts = await stateKeyParts({
        llama,
        context,
        model: { bytes: 1, digest: 'model' },
      });
      expect(parts.engine).toEqual({ backend: 'cpu', gpuLayers: 0 });
    } finally {
      await context.dispose();
      await model.dispose();
    }
  });

  it('differs whenever the backend or the GPU layer count differs, so such a state never loads', () => {
    const cpu: StateKeyParts = {
      format: 2,
      model: { bytes: 1, digest: 'model' },
      context: { size: 2048, flashAttention: false, keyType: 1, valueType: 1 },
      engine: { backend: 'cpu', gpuLayers: 0 },
      versions: { nodeLlamaCpp: '3', llamaCpp: 'b1' },
    };
    const keys = [
      cpu,
      { ...cpu, engine: { backend: 'cuda', gpuLayers: 0 } },
      { ...cpu, engine: { backend: 'cuda', gpuLayers: 13 } },
      { ...cpu, engine: { backend: 'cuda', gpuLayers: 33 } },
      { ...cpu, engine: { backend: 'vulkan', gpuLayers: 33 } },
      { ...cpu, engine: { backend: 'metal', gpuLayers: 33 } },
    ].map((parts) => stateKeyDigest(parts as StateKeyParts));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
