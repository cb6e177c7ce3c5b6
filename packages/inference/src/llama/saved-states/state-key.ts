import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { getModuleVersion } from 'node-llama-cpp';
import type { Llama, LlamaContext } from 'node-llama-cpp';

/** Bumped whenever a saved state's files or key change shape (SPEC.md, "Saved chat states"). */
export const SAVED_STATE_FORMAT_VERSION = 2;

/**
 * A model file as a saved state knows it. Size, header and tensor table tell apart two files of
 * different models, quantisations or shapes; two fine-tunes of one base share all three, so a
 * few samples of the weights are hashed too (reading them costs a millisecond, not a pass over
 * gigabytes).
 */
export type ModelIdentity = { bytes: number; digest: string };

const WEIGHT_SAMPLES = 16;
const WEIGHT_SAMPLE_BYTES = 64 * 1024;

/**
 * Reads the identity of the model file at `path`: `headerBytes` is where its tensor data starts
 * (the header, metadata and tensor table end there).
 */
export async function readModelIdentity(options: {
  path: string;
  bytes: number;
  headerBytes: number;
}): Promise<ModelIdentity> {
  const { path, bytes } = options;
  const headerBytes = Math.min(options.headerBytes, bytes);
  const hash = createHash('sha256');
  hash.update(`${bytes}:${headerBytes}:`);
  const handle = await open(path, 'r');
  try {
    const read = async (position: number, length: number): Promise<void> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      hash.update(buffer.subarray(0, bytesRead));
    };
    await read(0, headerBytes);
    const dataBytes = bytes - headerBytes;
    for (let i = 0; i < WEIGHT_SAMPLES && dataBytes > 0; i++) {
      const position = headerBytes + Math.floor((dataBytes * i) / WEIGHT_SAMPLES);
      await read(position, Math.min(WEIGHT_SAMPLE_BYTES, bytes - position));
    }
  } finally {
    await handle.close();
  }
  return { bytes, digest: hash.digest('hex') };
}

/**
 * Everything that must be equal for a saved state to be loaded into a context: the model, the
 * context options that shape its KV cache, and the code that wrote it. llama.cpp checks little
 * of this itself, and loading a state of another model can crash the process, so a state whose
 * key differs is never loaded. The token prefix a state holds is checked separately, token by
 * token, because a shorter common prefix is still worth loading.
 */
export type StateKeyParts = {
  format: number;
  model: ModelIdentity;
  context: {
    size: number;
    flashAttention: boolean | 'auto';
    keyType: number;
    valueType: number;
  };
  /**
   * Where the model runs: a state written by one backend, or with another share of the layers on
   * the GPU, holds tensors laid out and typed for that placement (format 2 added this).
   */
  engine: { backend: 'cpu' | 'cuda' | 'metal' | 'vulkan'; gpuLayers: number };
  versions: { nodeLlamaCpp: string; llamaCpp: string };
};

export async function stateKeyParts(options: {
  llama: Llama;
  context: LlamaContext;
  model: ModelIdentity;
}): Promise<StateKeyParts> {
  const { llama, context, model } = options;
  const release = llama.llamaCppRelease;
  return {
    format: SAVED_STATE_FORMAT_VERSION,
    model,
    context: {
      size: context.contextSize,
      flashAttention: context.flashAttention,
      keyType: context.kvCacheKeyType,
      valueType: context.kvCacheValueType,
    },
    engine: {
      backend: llama.gpu === false ? 'cpu' : llama.gpu,
      gpuLayers: context.model.gpuLayers,
    },
    versions: {
      nodeLlamaCpp: await getModuleVersion(),
      llamaCpp: `${release.repo}@${release.release}`,
    },
  };
}

/** One string for the whole key: what a saved state records and a load compares. */
export function stateKeyDigest(parts: StateKeyParts): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The digest of a token list: the saved prefix's fingerprint in the state's record. */
export function tokensDigest(tokens: readonly number[]): string {
  return createHash('sha256').update(Uint32Array.from(tokens)).digest('hex');
}
